#include "molt/store/schema.h"

#include <random>

#include "molt/base/error.h"
#include "molt/base/sha256.h"

namespace molt::store {
namespace {

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE collections(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_seq INTEGER NOT NULL
);
CREATE TABLE spaces(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id INTEGER NOT NULL REFERENCES collections(id),
  name TEXT NOT NULL,
  model TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  model_dim INTEGER NOT NULL,
  dim INTEGER NOT NULL,
  metric TEXT NOT NULL,
  query_prompt TEXT NOT NULL,
  query_prefix TEXT NOT NULL,
  document_prompt TEXT NOT NULL,
  document_prefix TEXT NOT NULL,
  index_spec TEXT NOT NULL,
  storage TEXT NOT NULL,
  state TEXT NOT NULL,
  created_seq INTEGER NOT NULL,
  checkpoint TEXT NOT NULL DEFAULT '',
  UNIQUE(collection_id, name)
);
CREATE TABLE aliases(
  name TEXT PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections(id)
);
CREATE TABLE changes(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id INTEGER NOT NULL,
  op TEXT NOT NULL,
  doc_key INTEGER,
  doc_id TEXT,
  space_id INTEGER,
  detail TEXT
);
CREATE INDEX changes_by_collection ON changes(collection_id, seq);
)sql";

std::string random_uid() {
  std::random_device rd;
  std::string seed;
  for (int i = 0; i < 8; ++i) seed += std::to_string(rd());
  return sha256_hex(seed).substr(0, 32);
}

}  // namespace

std::optional<std::string> check_schema(Database& db) {
  Statement tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  tables.step();
  if (tables.int64(0) == 0) {
    Statement any = db.prepare("SELECT count(*) FROM sqlite_master");
    any.step();
    if (any.int64(0) != 0) {
      throw input_error("not a molt store: the database has tables of its own", {.file = db.path().string()});
    }
    return std::nullopt;
  }
  Statement get = db.prepare("SELECT value FROM meta WHERE key = ?1");
  get.bind(1, std::string_view("schema_version"));
  if (!get.step() || get.text(0) != std::to_string(kSchemaVersion)) {
    throw input_error("the store's schema version is not " + std::to_string(kSchemaVersion) +
                          " (written by another molt version)",
                      {.file = db.path().string()});
  }
  get.reset();
  get.bind(1, std::string_view("store_uid"));
  if (!get.step()) throw input_error("the store has no uid", {.file = db.path().string()});
  return get.text(0);
}

std::string create_or_check_schema(Database& db) {
  if (std::optional<std::string> uid = check_schema(db)) return *uid;
  db.exec(kCreateSchema);
  const std::string uid = random_uid();
  Statement put = db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)");
  put.bind(1, std::string_view("store_uid")).bind(2, std::string_view(uid)).run();
  put.reset();
  put.bind(1, std::string_view("schema_version")).bind(2, std::string_view(std::to_string(kSchemaVersion))).run();
  return uid;
}

std::string docs_table(std::int64_t collection_id) { return "docs_" + std::to_string(collection_id); }
std::string fts_table(std::int64_t collection_id) { return "fts_" + std::to_string(collection_id); }
std::string vectors_table(std::int64_t space_id) { return "vec_" + std::to_string(space_id); }

void create_collection_tables(Database& db, std::int64_t collection_id) {
  const std::string docs = docs_table(collection_id);
  db.exec("CREATE TABLE " + docs +
          "(key INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, "
          "metadata TEXT NOT NULL, seq INTEGER NOT NULL, n_terms INTEGER NOT NULL)");
  db.exec("CREATE VIRTUAL TABLE " + fts_table(collection_id) +
          " USING fts5(text, content='', tokenize='molt_english')");
}

void drop_collection_tables(Database& db, std::int64_t collection_id) {
  db.exec("DROP TABLE IF EXISTS " + fts_table(collection_id));
  db.exec("DROP TABLE IF EXISTS " + docs_table(collection_id));
}

void create_space_table(Database& db, std::int64_t space_id) {
  db.exec("CREATE TABLE " + vectors_table(space_id) +
          "(doc_key INTEGER PRIMARY KEY, doc_seq INTEGER NOT NULL, vector BLOB NOT NULL)");
}

void drop_space_table(Database& db, std::int64_t space_id) {
  db.exec("DROP TABLE IF EXISTS " + vectors_table(space_id));
}

}  // namespace molt::store
