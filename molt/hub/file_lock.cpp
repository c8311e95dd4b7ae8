#include "molt/hub/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "molt/base/error.h"

namespace molt::hub {

FileLock::FileLock(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw io_error(std::string("cannot create lock file: ") + std::strerror(errno), {.file = path.string()});
  }
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd_);
    throw io_error(std::string("cannot lock: ") + std::strerror(err), {.file = path.string()});
  }
}

// Closing releases the lock. The file stays: removing it would let a third process lock a
// new file of the same name while a second one holds the old.
FileLock::~FileLock() { ::close(fd_); }

}  // namespace molt::hub
