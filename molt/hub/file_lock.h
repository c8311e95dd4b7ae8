// FileLock: an exclusive flock() on a lock file, held for the object's lifetime, the same
// lock huggingface_hub's FileLock takes on the same paths.
#pragma once

#include <filesystem>

namespace molt::hub {

// huggingface_hub locks .locks/models--org--name/<etag>.lock the same way, so molt and
// Python tools never write one blob at the same time. Two FileLocks on one path exclude
// each other across processes and across threads of one process.
class FileLock {
 public:
  // Creates the file (and its folder) when missing, then blocks until the lock is ours.
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace molt::hub
