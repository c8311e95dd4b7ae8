#include "molt/store/change_log.h"

#include "molt/base/error.h"

namespace molt::store {
namespace {

constexpr const char* kOpNames[] = {"upsert", "delete", "vector", "collection", "space", "serving", "alias"};

}  // namespace

const char* change_op_name(ChangeOp op) { return kOpNames[static_cast<int>(op)]; }

ChangeOp parse_change_op(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kOpNames)); ++i) {
    if (name == kOpNames[i]) return static_cast<ChangeOp>(i);
  }
  throw internal_error("unknown change-log operation '" + std::string(name) + "'");
}

ChangeAppender::ChangeAppender(Database& db, std::int64_t collection_id)
    : db_(db),
      collection_id_(collection_id),
      insert_(db.prepare("INSERT INTO changes(collection_id, op, doc_key, doc_id, space_id, detail) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) {}

std::int64_t ChangeAppender::append(ChangeOp op, std::int64_t doc_key, std::string_view doc_id,
                                    std::int64_t space_id, std::string_view detail) {
  insert_.reset();
  insert_.bind(1, collection_id_).bind(2, std::string_view(change_op_name(op)));
  if (doc_key != 0) insert_.bind(3, doc_key);
  if (!doc_id.empty()) insert_.bind(4, doc_id);
  if (space_id != 0) insert_.bind(5, space_id);
  if (!detail.empty()) insert_.bind(6, detail);
  insert_.run();
  return db_.last_insert_rowid();
}

std::int64_t append_change(Database& db, std::int64_t collection_id, ChangeOp op, std::int64_t doc_key,
                           std::string_view doc_id, std::int64_t space_id, std::string_view detail) {
  return ChangeAppender(db, collection_id).append(op, doc_key, doc_id, space_id, detail);
}

std::vector<Change> read_changes(Database& db, std::int64_t collection_id, std::int64_t after_seq,
                                 std::size_t limit) {
  Statement select = db.prepare(
      "SELECT seq, op, doc_key, doc_id, space_id, detail FROM changes "
      "WHERE collection_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  select.bind(1, collection_id).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Change> out;
  while (select.step()) {
    Change c;
    c.seq = select.int64(0);
    c.op = parse_change_op(select.text_view(1));
    c.doc_key = select.is_null(2) ? 0 : select.int64(2);
    c.doc_id = select.text(3);
    c.space_id = select.is_null(4) ? 0 : select.int64(4);
    c.detail = select.text(5);
    out.push_back(std::move(c));
  }
  return out;
}

std::int64_t last_seq(Database& db) {
  Statement select = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changes'");
  return select.step() ? select.int64(0) : 0;
}

}  // namespace molt::store
