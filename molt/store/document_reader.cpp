#include "molt/store/document_reader.h"

#include "molt/base/error.h"
#include "molt/index/vector_codec.h"
#include "molt/store/schema.h"

namespace molt::store {
namespace {

// SELECT columns: key, id, seq, text, metadata [, vector, doc_seq].
std::string select_sql(const CollectionInfo& collection, const ReadOptions& options) {
  std::string sql = "SELECT d.key, d.id, d.seq, ";
  sql += options.text ? "d.text, " : "'', ";
  sql += options.metadata ? "d.metadata" : "'{}'";
  if (options.vectors_of != nullptr) sql += ", v.vector, v.doc_seq";
  sql += " FROM " + docs_table(collection.id) + " AS d";
  if (options.vectors_of != nullptr) {
    sql += options.only_with_vectors ? " JOIN " : " LEFT JOIN ";
    sql += vectors_table(options.vectors_of->id) + " AS v ON v.doc_key = d.key";
  }
  return sql;
}

// " AND ..." restricting to documents without an up-to-date vector, when asked.
std::string needing_condition(const ReadOptions& options) {
  if (options.needing_vectors_in == nullptr) return {};
  return " AND NOT EXISTS (SELECT 1 FROM " + vectors_table(options.needing_vectors_in->id) +
         " AS n WHERE n.doc_key = d.key AND n.doc_seq = d.seq)";
}

Document read_row(const Statement& row, const ReadOptions& options) {
  Document d;
  d.key = row.int64(0);
  d.id = row.text(1);
  d.seq = row.int64(2);
  d.text = row.text(3);
  if (options.metadata) {
    try {
      d.metadata = nlohmann::json::parse(row.text_view(4));
    } catch (const nlohmann::json::exception&) {
      throw internal_error("stored metadata is not JSON", {.row = d.id, .field = "metadata"});
    }
  } else {
    d.metadata = nlohmann::json::object();
  }
  if (options.vectors_of != nullptr && !row.is_null(5)) {
    const SpaceInfo& space = *options.vectors_of;
    d.vector.resize(space.config.dim);
    index::decode_vector(space.config.storage, row.blob(5), d.vector);
    d.vector_seq = row.int64(6);
  }
  return d;
}

}  // namespace

std::vector<std::optional<Document>> read_documents_by_id(Database& db, const CollectionInfo& collection,
                                                          std::span<const std::string> ids,
                                                          const ReadOptions& options) {
  Statement select = db.prepare(select_sql(collection, options) + " WHERE d.id = ?1");
  std::vector<std::optional<Document>> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    select.reset();
    select.bind(1, std::string_view(id));
    if (select.step()) {
      out.emplace_back(read_row(select, options));
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

std::vector<Document> read_documents_by_key(Database& db, const CollectionInfo& collection,
                                            std::span<const std::int64_t> keys, const ReadOptions& options) {
  Statement select = db.prepare(select_sql(collection, options) + " WHERE d.key = ?1");
  std::vector<Document> out;
  out.reserve(keys.size());
  for (const std::int64_t key : keys) {
    select.reset();
    select.bind(1, key);
    if (select.step()) out.push_back(read_row(select, options));
  }
  return out;
}

std::int64_t count_scrolled(Database& db, const CollectionInfo& collection, const ReadOptions& options) {
  std::string sql = select_sql(collection, options);
  sql = "SELECT count(*)" + sql.substr(sql.find(" FROM ")) + " WHERE 1" + needing_condition(options);
  Statement count = db.prepare(sql);
  count.step();
  return count.int64(0);
}

std::vector<Document> scroll_documents(Database& db, const CollectionInfo& collection, std::string_view after,
                                       std::size_t limit, const ReadOptions& options) {
  Statement select = db.prepare(select_sql(collection, options) + " WHERE d.id > ?1" + needing_condition(options) +
                                " ORDER BY d.id LIMIT ?2");
  select.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Document> out;
  while (select.step()) out.push_back(read_row(select, options));
  return out;
}

}  // namespace molt::store
