#include "molt/migrate/canary.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "molt/base/error.h"

namespace molt::migrate {
namespace {

constexpr std::uint64_t kBuckets = 10000;

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::filesystem::path counts_path(const std::filesystem::path& dir, std::int64_t space_id) {
  return dir / "migrations" / ("canary-" + std::to_string(space_id) + ".counts");
}

// "old new\n" from the file open on `fd` (zeros for an empty file).
CanaryCounts read_counts(int fd) {
  char buf[64] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  CanaryCounts c;
  long long a = 0, b = 0;
  if (n > 0 && std::sscanf(buf, "%lld %lld", &a, &b) == 2) {
    c.old_side = a;
    c.new_side = b;
  }
  return c;
}

// An open file under an flock, closed (and unlocked) by the destructor.
class LockedFile {
 public:
  LockedFile(const std::filesystem::path& path, bool create, int operation) {
    if (create) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
    }
    fd_ = ::open(path.c_str(), (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      if (!create && errno == ENOENT) return;
      throw io_error(std::string("cannot open canary counts: ") + std::strerror(errno), {.file = path.string()});
    }
    while (::flock(fd_, operation) != 0) {
      if (errno != EINTR) throw io_error(std::string("cannot lock canary counts: ") + std::strerror(errno), {.file = path.string()});
    }
  }
  ~LockedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace

bool routes_to_new(std::string_view query, double percent) {
  if (percent <= 0.0) return false;
  if (percent >= 100.0) return true;
  const auto threshold = static_cast<std::uint64_t>(std::llround(percent * static_cast<double>(kBuckets) / 100.0));
  return fnv1a64(query) % kBuckets < threshold;
}

std::optional<CanaryRoute> canary_route(const std::optional<Migration>& m, std::string_view query) {
  if (!m || m->state != MigrationState::kCanary || !m->from) return std::nullopt;
  const bool to_new = routes_to_new(query, m->record.canary_percent);
  return CanaryRoute{to_new ? m->to.name() : m->from->name(), to_new, m->to.id};
}

void count_canary_search(const std::filesystem::path& dir, std::int64_t space_id, bool to_new) {
  const std::filesystem::path path = counts_path(dir, space_id);
  LockedFile file(path, true, LOCK_EX);
  CanaryCounts c = read_counts(file.fd());
  (to_new ? c.new_side : c.old_side) += 1;
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%lld %lld\n", static_cast<long long>(c.old_side),
                              static_cast<long long>(c.new_side));
  // One short pwrite of a line that only grows: a crash leaves the old or the new counts.
  if (::pwrite(file.fd(), buf, static_cast<std::size_t>(n), 0) != n) {
    throw io_error(std::string("cannot write canary counts: ") + std::strerror(errno), {.file = path.string()});
  }
}

CanaryCounts read_canary_counts(const std::filesystem::path& dir, std::int64_t space_id) {
  LockedFile file(counts_path(dir, space_id), false, LOCK_SH);
  if (file.fd() < 0) return {};
  return read_counts(file.fd());
}

void remove_canary_counts(const std::filesystem::path& dir, std::int64_t space_id) {
  std::error_code ec;
  std::filesystem::remove(counts_path(dir, space_id), ec);
  if (ec) {
    throw io_error("cannot remove canary counts: " + ec.message(), {.file = counts_path(dir, space_id).string()});
  }
}

}  // namespace molt::migrate
