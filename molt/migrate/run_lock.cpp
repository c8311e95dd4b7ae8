#include "molt/migrate/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "molt/base/error.h"

namespace molt::migrate {

RunLock::RunLock(const std::filesystem::path& store_dir, std::int64_t collection_id, const std::string& collection) {
  const std::filesystem::path path = store_dir / "migrations" / ("collection-" + std::to_string(collection_id) + ".lock");
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw io_error(std::string("cannot create lock file: ") + std::strerror(errno), {.file = path.string()});
  int rc;
  while ((rc = ::flock(fd_, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
  }
  if (rc != 0) {
    const int err = errno;
    std::string holder;
    char buf[32] = {};
    if (::pread(fd_, buf, sizeof buf - 1, 0) > 0) holder = std::string(buf);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw conflict_error("a migration of collection '" + collection + "' is already running" +
                               (holder.empty() ? std::string() : " (pid " + holder + ")") +
                               "; wait for it to finish or stop it (Ctrl-C) first",
                           {.file = path.string()});
    }
    throw io_error(std::string("cannot lock: ") + std::strerror(err), {.file = path.string()});
  }
  // The holder's pid, for the message a second run prints.
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) {
    (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

// Closing releases the lock; the file stays (removing it would let a third process lock a
// new file of the same name while a second one holds the old).
RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace molt::migrate
