#include "cli/progress_bar.h"

#include <cstdio>
#include <iterator>

namespace molt::cli {
namespace {

std::string format_duration(double seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(seconds) / 3600,
                  (static_cast<int>(seconds) % 3600) / 60);
  }
  return buf;
}

}  // namespace

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024.0;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[unit]);
  }
  return buf;
}

ProgressBar::~ProgressBar() { finish(); }

ProgressFn ProgressBar::callback() {
  return [this](const Progress& p) { update(p); };
}

void ProgressBar::update(const Progress& p) {
  if (!enabled_) return;
  if (stage_ != p.stage) {
    if (drawn_) finish();
    stage_ = std::string(p.stage);
    unit_ = std::string(p.unit);
    start_ = std::chrono::steady_clock::now();
    // Work done before the first report is not part of the measured rate.
    first_done_ = p.done;
  }
  last_done_ = p.done;
  last_total_ = p.total;
  const auto now = std::chrono::steady_clock::now();
  const bool complete = p.total != 0 && p.done >= p.total;
  if (!complete && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(p, false);
}

void ProgressBar::draw(const Progress& p, bool final_line) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate =
      secs > 0 && p.done > first_done_ ? static_cast<double>(p.done - first_done_) / secs : 0.0;
  const bool bytes = p.unit == "bytes";
  std::string line = "\r" + std::string(p.stage) + "  ";
  line += bytes ? format_bytes(static_cast<double>(p.done)) : std::to_string(p.done);
  if (p.total != 0) {
    line += "/";
    line += bytes ? format_bytes(static_cast<double>(p.total)) : std::to_string(p.total);
  }
  if (!bytes) line += " " + std::string(p.unit);
  char buf[96];
  if (p.total != 0) {
    std::snprintf(buf, sizeof buf, "  %3.0f%%", 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total));
    line += buf;
  }
  if (bytes) {
    line += " | " + format_bytes(rate) + "/s";
  } else {
    std::snprintf(buf, sizeof buf, " | %.1f %s/s", rate, std::string(p.unit).c_str());
    line += buf;
  }
  if (p.total != 0 && rate > 0 && p.done < p.total) {
    line += " | ETA " + format_duration(static_cast<double>(p.total - p.done) / rate);
  } else if (final_line || (p.total != 0 && p.done >= p.total)) {
    line += " | " + format_duration(secs);
  }
  line += "\033[K";
  std::fputs(line.c_str(), stderr);
  drawn_ = true;
  drawn_final_ = final_line || (p.total != 0 && p.done >= p.total);
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  if (!drawn_final_) draw(Progress{stage_, last_done_, last_total_, unit_}, true);
  std::fputs("\n", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace molt::cli
