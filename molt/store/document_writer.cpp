#include "molt/store/document_writer.h"

#include "molt/base/check.h"
#include "molt/index/vector_codec.h"
#include "molt/store/change_log.h"
#include "molt/store/schema.h"

namespace molt::store {
namespace {

std::size_t count_terms(const index::EnglishAnalyzer& analyzer, std::string_view text) {
  std::size_t n = 0;
  analyzer.analyze(text, [&n](const index::AnalyzedToken&) { ++n; });
  return n;
}

std::span<const std::byte> as_blob(const std::string& bytes) {
  return std::as_bytes(std::span<const char>(bytes.data(), bytes.size()));
}

// The statements that touch one collection's document and keyword tables.
struct DocumentTables {
  explicit DocumentTables(Database& db, std::int64_t collection_id)
      : find(db.prepare("SELECT key, text, n_terms, seq FROM " + docs_table(collection_id) + " WHERE id = ?1")),
        fts_insert(db.prepare("INSERT INTO " + fts_table(collection_id) + "(rowid, text) VALUES (?1, ?2)")),
        fts_delete(db.prepare("INSERT INTO " + fts_table(collection_id) + "(" + fts_table(collection_id) +
                              ", rowid, text) VALUES ('delete', ?1, ?2)")) {}

  Statement find;
  Statement fts_insert;
  Statement fts_delete;
};

Statement put_vector_statement(Database& db, const SpaceInfo& space) {
  return db.prepare("INSERT INTO " + vectors_table(space.id) +
                    "(doc_key, doc_seq, vector) VALUES (?1, ?2, ?3) ON CONFLICT(doc_key) DO UPDATE "
                    "SET doc_seq = excluded.doc_seq, vector = excluded.vector");
}

}  // namespace

WriteResult write_documents(Database& db, const CollectionInfo& collection, std::span<const DocumentWrite> docs,
                            std::span<const SpaceRows> vectors, const index::EnglishAnalyzer& analyzer) {
  MOLT_CHECK(vectors.size() == collection.spaces.size());
  const std::string docs_name = docs_table(collection.id);
  DocumentTables tables(db, collection.id);
  Statement insert_doc =
      db.prepare("INSERT INTO " + docs_name + "(id, text, metadata, seq, n_terms) VALUES (?1, ?2, ?3, 0, ?4)");
  Statement update_doc =
      db.prepare("UPDATE " + docs_name + " SET text = ?2, metadata = ?3, seq = ?4, n_terms = ?5 WHERE key = ?1");
  Statement set_seq = db.prepare("UPDATE " + docs_name + " SET seq = ?2 WHERE key = ?1");
  std::vector<Statement> put_vector;
  for (const SpaceRows& rows : vectors) put_vector.push_back(put_vector_statement(db, *rows.space));
  ChangeAppender log(db, collection.id);

  WriteResult result;
  std::string blob;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const DocumentWrite& doc = docs[i];
    const std::string metadata = doc.metadata.is_null() ? "{}" : doc.metadata.dump();
    const auto n_terms = static_cast<std::int64_t>(count_terms(analyzer, doc.text));
    std::int64_t key;
    std::int64_t seq;
    tables.find.reset();
    tables.find.bind(1, std::string_view(doc.id));
    if (tables.find.step()) {
      key = tables.find.int64(0);
      const std::string old_text = tables.find.text(1);
      const std::int64_t old_terms = tables.find.int64(2);
      seq = log.append(ChangeOp::kUpsert, key, doc.id);
      update_doc.reset();
      update_doc.bind(1, key).bind(2, std::string_view(doc.text)).bind(3, std::string_view(metadata));
      update_doc.bind(4, seq).bind(5, n_terms).run();
      if (old_terms > 0) {
        tables.fts_delete.reset();
        tables.fts_delete.bind(1, key).bind(2, std::string_view(old_text)).run();
      }
      ++result.updated;
      result.existed.push_back(true);
    } else {
      insert_doc.reset();
      insert_doc.bind(1, std::string_view(doc.id)).bind(2, std::string_view(doc.text));
      insert_doc.bind(3, std::string_view(metadata)).bind(4, n_terms).run();
      key = db.last_insert_rowid();
      seq = log.append(ChangeOp::kUpsert, key, doc.id);
      set_seq.reset();
      set_seq.bind(1, key).bind(2, seq).run();
      ++result.inserted;
      result.existed.push_back(false);
    }
    if (n_terms > 0) {
      tables.fts_insert.reset();
      tables.fts_insert.bind(1, key).bind(2, std::string_view(doc.text)).run();
    }
    for (std::size_t s = 0; s < vectors.size(); ++s) {
      const SpaceInfo& space = *vectors[s].space;
      const std::size_t dim = space.config.dim;
      blob.clear();
      index::encode_vector(space.config.storage, {vectors[s].rows.data() + i * dim, dim}, blob);
      put_vector[s].reset();
      put_vector[s].bind(1, key).bind(2, seq).bind_blob(3, as_blob(blob)).run();
    }
    if (result.first_seq == 0) result.first_seq = seq;
    result.last_seq = seq;
    result.seqs.push_back(seq);
  }
  return result;
}

WriteResult delete_documents(Database& db, const CollectionInfo& collection, std::span<const std::string> ids) {
  DocumentTables tables(db, collection.id);
  Statement delete_doc = db.prepare("DELETE FROM " + docs_table(collection.id) + " WHERE key = ?1");
  std::vector<Statement> delete_vector;
  for (const SpaceInfo& space : collection.spaces) {
    delete_vector.push_back(db.prepare("DELETE FROM " + vectors_table(space.id) + " WHERE doc_key = ?1"));
  }
  ChangeAppender log(db, collection.id);
  WriteResult result;
  for (const std::string& id : ids) {
    tables.find.reset();
    tables.find.bind(1, std::string_view(id));
    if (!tables.find.step()) {
      ++result.missing;
      result.seqs.push_back(0);
      result.existed.push_back(false);
      continue;
    }
    const std::int64_t key = tables.find.int64(0);
    const std::string text = tables.find.text(1);
    const std::int64_t n_terms = tables.find.int64(2);
    const std::int64_t seq = log.append(ChangeOp::kDelete, key, id);
    if (n_terms > 0) {
      tables.fts_delete.reset();
      tables.fts_delete.bind(1, key).bind(2, std::string_view(text)).run();
    }
    delete_doc.reset();
    delete_doc.bind(1, key).run();
    for (Statement& del : delete_vector) {
      del.reset();
      del.bind(1, key).run();
    }
    ++result.deleted;
    result.seqs.push_back(seq);
    result.existed.push_back(true);
    if (result.first_seq == 0) result.first_seq = seq;
    result.last_seq = seq;
  }
  return result;
}

VectorWriteResult write_space_vectors(Database& db, const CollectionInfo& collection, const SpaceInfo& space,
                                      std::span<const VectorWrite> vectors) {
  DocumentTables tables(db, collection.id);
  Statement put_vector = put_vector_statement(db, space);
  ChangeAppender log(db, collection.id);
  VectorWriteResult result;
  std::string blob;
  for (const VectorWrite& v : vectors) {
    tables.find.reset();
    tables.find.bind(1, std::string_view(v.doc_id));
    if (!tables.find.step()) {
      ++result.skipped_missing;
      continue;
    }
    const std::int64_t key = tables.find.int64(0);
    if (tables.find.int64(3) != v.read_seq) {
      ++result.skipped_changed;
      continue;
    }
    blob.clear();
    index::encode_vector(space.config.storage, v.vector, blob);
    put_vector.reset();
    put_vector.bind(1, key).bind(2, v.read_seq).bind_blob(3, as_blob(blob)).run();
    result.last_seq = log.append(ChangeOp::kVector, key, v.doc_id, space.id);
    ++result.written;
  }
  return result;
}

}  // namespace molt::store
