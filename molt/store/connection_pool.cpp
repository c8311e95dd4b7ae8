#include "molt/store/connection_pool.h"

#include "molt/base/error.h"
#include "molt/store/fts5_bm25.h"

namespace molt::store {

ConnectionPool::ConnectionPool(std::filesystem::path file, bool create, std::chrono::milliseconds busy_timeout)
    : file_(std::move(file)), busy_timeout_(busy_timeout), writer_(open(create)) {}

std::unique_ptr<Database> ConnectionPool::open(bool create) const {
  auto db = std::make_unique<Database>(file_, create, busy_timeout_);
  // Pages freed by dropping a space or a collection go back to the file system
  // (Store::reclaim_space). Takes effect only in a new, empty database; else a no-op.
  db->exec("PRAGMA auto_vacuum = INCREMENTAL");
  // WAL: readers never block the writer and always see one committed state. FULL: a
  // commit is on disk before it returns (NORMAL could lose the last commits to a power
  // failure). The mode is stored in the file; setting it again is a no-op.
  Statement mode = db->prepare("PRAGMA journal_mode = WAL");
  if (!mode.step() || mode.text(0) != "wal") {
    throw io_error("cannot switch the database to WAL mode", {.file = file_.string()});
  }
  db->exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF");
  register_fts5_bm25(*db);
  return db;
}

ConnectionPool::Lease::~Lease() {
  if (!db_) return;
  std::lock_guard lock(pool_->readers_mutex_);
  pool_->idle_.push_back(std::move(db_));
}

ConnectionPool::Lease ConnectionPool::reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, open(false));
}

}  // namespace molt::store
