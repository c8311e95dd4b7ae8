// The change log: one row per write, appended in the write's own transaction, numbered by
// a sequence that only grows and is never reused (SQLite AUTOINCREMENT). Index caches catch
// up from it; the migration engine reads it to find the writes made during a backfill.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "molt/store/sqlite.h"

namespace molt::store {

enum class ChangeOp {
  kUpsert,      // a document written (text, metadata and a vector in every space)
  kDelete,      // a document deleted (from every space)
  kVector,      // one space's vector of a document written (a backfill batch)
  kCollection,  // a collection created or dropped (detail says which)
  kSpace,       // a space created, its state changed, or dropped (detail)
  kServing,     // the serving space switched (detail: from, to)
  kAlias,       // an alias set or dropped (detail)
};

const char* change_op_name(ChangeOp op);
ChangeOp parse_change_op(std::string_view name);  // throws internal_error

struct Change {
  std::int64_t seq = 0;
  ChangeOp op = ChangeOp::kUpsert;
  std::int64_t doc_key = 0;   // document changes: the document's key
  std::string doc_id;         // document changes: its id
  std::int64_t space_id = 0;  // kVector and kSpace: the space
  std::string detail;         // catalog changes: a short JSON object
};

// Appends changes of one collection inside the caller's transaction, with one prepared
// statement for a whole batch. Returns each change's seq.
class ChangeAppender {
 public:
  ChangeAppender(Database& db, std::int64_t collection_id);
  std::int64_t append(ChangeOp op, std::int64_t doc_key = 0, std::string_view doc_id = {},
                      std::int64_t space_id = 0, std::string_view detail = {});

 private:
  Database& db_;
  std::int64_t collection_id_;
  Statement insert_;
};

// One change (ChangeAppender for a single write).
std::int64_t append_change(Database& db, std::int64_t collection_id, ChangeOp op,
                           std::int64_t doc_key = 0, std::string_view doc_id = {},
                           std::int64_t space_id = 0, std::string_view detail = {});

// The collection's changes with seq > after_seq, oldest first, at most `limit`.
std::vector<Change> read_changes(Database& db, std::int64_t collection_id, std::int64_t after_seq,
                                 std::size_t limit);

// The highest sequence number ever assigned (0 for a new store): every committed write
// visible to this connection's snapshot has seq <= it.
std::int64_t last_seq(Database& db);

}  // namespace molt::store
