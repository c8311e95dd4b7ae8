// ConnectionPool: the SQLite connections of one Store. One writer connection, used by one
// write transaction at a time in this process (other processes are kept out by SQLite's
// lock, waited for up to the busy timeout); reader connections are handed out one per
// concurrent read and reused. Every connection is in WAL mode with synchronous=FULL and has
// molt's FTS5 extensions. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "molt/store/sqlite.h"

namespace molt::store {

class ConnectionPool {
 public:
  // Opens the writer (creating the file when `create`).
  ConnectionPool(std::filesystem::path file, bool create, std::chrono::milliseconds busy_timeout);

  // A reader connection for the caller's thread, returned to the pool on destruction.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    Database& operator*() { return *db_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Database> db_;
  };

  Lease reader();

  // Runs fn(Database&) in an IMMEDIATE transaction on the writer and commits when it
  // returns; an exception rolls everything back. Returns what fn returns.
  template <class Fn>
  auto write(Fn&& fn) {
    std::lock_guard lock(writer_mutex_);
    Transaction txn(*writer_, Transaction::Kind::kImmediate);
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Database&>>) {
      fn(*writer_);
      txn.commit();
    } else {
      auto result = fn(*writer_);
      txn.commit();
      return result;
    }
  }

 private:
  std::unique_ptr<Database> open(bool create) const;

  std::filesystem::path file_;
  std::chrono::milliseconds busy_timeout_;
  std::mutex writer_mutex_;
  std::unique_ptr<Database> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace molt::store
