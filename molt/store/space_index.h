// SpaceIndex: the in-memory vector index of one space, a cache of its vec_S table. SQLite
// is the truth; the index is built from it (or loaded from the file it was last saved to)
// on first use and brought up to date from the change log, so that a search sees exactly
// the vectors of the snapshot it runs in, whichever process wrote them.
//
// Thread-safety: every method may be called from several threads. Searches share a lock;
// catching up and loading take it exclusively.
//
// The file (<store>/indexes/<space id>.idx) holds the store uid, the space id, its
// creation seq, spec, dimension, metric and storage, the change-log seq the index reflects,
// the index, and an XXH3 checksum of all of it. Written whole through AtomicFile; a file
// that is missing, foreign, corrupt or ahead of the snapshot is ignored and rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "molt/index/vector_index.h"
#include "molt/store/catalog.h"
#include "molt/store/sqlite.h"

namespace molt::store {

// How an index agrees with the stored vectors of its space.
struct IndexCheck {
  std::string space;
  std::string spec;
  std::int64_t seq = 0;           // the snapshot compared
  std::size_t stored = 0;         // vectors in SQLite
  std::size_t indexed = 0;        // vectors in the index
  std::size_t missing = 0;        // stored but not indexed
  std::size_t extra = 0;          // indexed but not stored
  std::size_t mismatched = 0;     // indexed with a different vector
  bool ok() const { return missing == 0 && extra == 0 && mismatched == 0 && stored == indexed; }
};

class SpaceIndex {
 public:
  SpaceIndex(SpaceInfo space, std::string store_uid, std::filesystem::path file, int build_threads);

  const SpaceInfo& space() const { return space_; }

  // Runs fn(index) with the index holding exactly the vectors of `db`'s snapshot, whose
  // last seq is `seq` (db must be inside a read transaction). Returns false, without
  // running fn, when the index already reflects a later snapshot (another thread caught
  // up further): the caller retries in a newer transaction.
  bool with_index_at(Database& db, std::int64_t seq, const std::function<void(const index::VectorIndex&)>& fn);

  // Saves the index to its file when it changed enough since the last save (always with
  // force). Cheap when nothing changed.
  void persist(bool force);

  // Compares the index at `db`'s snapshot (last seq `seq`) with the stored vectors.
  IndexCheck check(Database& db, std::int64_t seq);

  // For reporting: whether it was loaded from its file, rebuilt, and at what seq it is.
  struct Status {
    bool built = false;
    bool loaded_from_file = false;
    std::int64_t seq = -1;
    std::size_t size = 0;
  };
  Status status() const;

 private:
  void catch_up(Database& db, std::int64_t seq);  // exclusive lock held
  void rebuild(Database& db, std::int64_t seq);
  bool try_load(std::int64_t max_seq);
  void apply_changes(Database& db, std::int64_t seq);

  SpaceInfo space_;
  std::string store_uid_;
  std::filesystem::path file_;
  int build_threads_;

  mutable std::shared_mutex mutex_;
  std::mutex persist_mutex_;  // one writer of the file at a time
  std::unique_ptr<index::VectorIndex> index_;
  std::int64_t seq_ = -1;            // the snapshot the index reflects; -1 before building
  std::int64_t persisted_seq_ = -1;  // what the file holds
  std::size_t changes_since_persist_ = 0;  // these written under the exclusive lock
  bool rebuilt_since_persist_ = false;
  bool loaded_from_file_ = false;
};

}  // namespace molt::store
