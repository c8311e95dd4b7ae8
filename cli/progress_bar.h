// A progress bar on stderr: "encode  1200/5183 docs  23% | 410.2 docs/s | ETA 9s", or for
// unit "bytes" "download  12.0 MiB/86.3 MiB  14% | 5.1 MiB/s | ETA 15s".
// Redraws at most ten times a second; finish() ends the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "molt/base/progress.h"

namespace molt::cli {

// "1023 B", "1.5 KiB", "86.3 MiB", "1.2 GiB".
std::string format_bytes(double bytes);

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar();

  void update(const Progress& p);
  void finish();
  // A ProgressFn that forwards to this bar (the bar must outlive it).
  ProgressFn callback();

 private:
  void draw(const Progress& p, bool final_line);

  bool enabled_;
  bool drawn_ = false;
  bool drawn_final_ = false;     // the last line drawn already shows the end of the stage
  std::uint64_t first_done_ = 0;  // `done` at the stage's first report
  std::string stage_;
  std::string unit_;
  std::uint64_t last_done_ = 0;
  std::uint64_t last_total_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace molt::cli
