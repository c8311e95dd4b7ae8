// The store's SQLite schema (one file, molt.db, in WAL mode):
//   meta(key, value)                 store_uid, schema version
//   collections(id, name, ...)       id never reused (AUTOINCREMENT)
//   spaces(id, collection_id, ...)   id never reused; SpaceInfo's fields
//   aliases(name, collection_id)
//   changes(seq, collection_id, op, doc_key, doc_id, space_id, detail)   the change log;
//                                    seq never reused (AUTOINCREMENT), one row per write
// and per collection N / space S:
//   docs_N(key, id, text, metadata, seq, n_terms)   key: the document's int64 key in
//                                    every index (never reused); seq: its last write
//   fts_N                            FTS5 over text with molt's English analysis
//                                    (contentless: the text lives in docs_N)
//   vec_S(doc_key, doc_seq, vector)  one row per document that has a vector in S; doc_seq:
//                                    the document's seq the vector was computed from
// Per-collection and per-space tables keep a collection's BM25 statistics its own, and
// make dropping a collection or a space a DROP TABLE rather than a scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "molt/store/sqlite.h"

namespace molt::store {

inline constexpr int kSchemaVersion = 1;

// The store uid of an existing molt store of this version; nullopt for a database without
// a schema yet. Throws input_error naming the file for a database that is something else.
// Reads only (no write lock).
std::optional<std::string> check_schema(Database& db);

// Creates the schema in an empty database (inside a write transaction), or checks an
// existing one like check_schema. Returns the store uid.
std::string create_or_check_schema(Database& db);

std::string docs_table(std::int64_t collection_id);
std::string fts_table(std::int64_t collection_id);
std::string vectors_table(std::int64_t space_id);

void create_collection_tables(Database& db, std::int64_t collection_id);
void drop_collection_tables(Database& db, std::int64_t collection_id);
void create_space_table(Database& db, std::int64_t space_id);
void drop_space_table(Database& db, std::int64_t space_id);

}  // namespace molt::store
