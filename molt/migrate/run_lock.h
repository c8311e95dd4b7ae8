// RunLock: the one `migrate run` a collection may have at a time, as an flock() on a file in
// the store folder. The kernel drops it when its process ends however it ends (SIGKILL
// included), so a crashed run never leaves a stale lock behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace molt::migrate {

class RunLock {
 public:
  // Takes the lock of the collection with id `collection_id` in store folder `store_dir`,
  // or throws conflict_error naming `collection` (and the holder's pid) when another
  // process holds it.
  RunLock(const std::filesystem::path& store_dir, std::int64_t collection_id, const std::string& collection);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace molt::migrate
