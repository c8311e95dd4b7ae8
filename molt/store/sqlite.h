// A thin RAII face over SQLite's C API: Database (one connection), Statement (a prepared
// statement with typed bind/column), Transaction (rolled back unless committed). Every
// SQLite failure becomes a molt::Error: a busy database after the busy timeout is a
// conflict, a full disk or a corrupt file an io error, misuse an internal error.
// A Database and its statements belong to one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace molt::store {

class Statement;

class Database {
 public:
  // Opens (creating when `create`) the database file. Sets the busy timeout; the caller
  // applies the pragmas it needs.
  Database(const std::filesystem::path& path, bool create, std::chrono::milliseconds busy_timeout);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last statement
  bool in_transaction() const;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Throws the molt::Error for SQLite result code `rc` with `what` as context.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQL's ?1, ?2.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::byte> blob);
  Statement& bind_null(int index);

  // Advances to the next row: true when a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  void run();
  // Resets for another execution with new bindings.
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step/reset
  std::span<const std::byte> blob(int column) const;  // valid until the next step/reset

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN on construction (IMMEDIATE takes the write lock at once, so a writer waits for
// other writers here rather than failing at its first write), ROLLBACK on destruction
// unless commit() ran.
class Transaction {
 public:
  enum class Kind { kDeferred, kImmediate };
  Transaction(Database& db, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace molt::store
