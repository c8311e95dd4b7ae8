#include "molt/store/catalog.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/store/change_log.h"
#include "molt/store/names.h"
#include "molt/store/schema.h"

namespace molt::store {
namespace {

constexpr const char* kSpaceColumns =
    "id, collection_id, name, model, model_name, model_hash, model_dim, dim, metric, query_prompt, "
    "query_prefix, document_prompt, document_prefix, index_spec, storage, state, created_seq, checkpoint";

SpaceInfo read_space(const Statement& row) {
  SpaceInfo s;
  s.id = row.int64(0);
  s.collection_id = row.int64(1);
  s.config.name = row.text(2);
  s.config.model = row.text(3);
  s.config.model_name = row.text(4);
  s.config.model_hash = row.text(5);
  s.config.model_dim = static_cast<std::size_t>(row.int64(6));
  s.config.dim = static_cast<std::size_t>(row.int64(7));
  s.config.metric = index::parse_metric(row.text_view(8));
  s.config.query_prompt = {row.text(9), row.text(10)};
  s.config.document_prompt = {row.text(11), row.text(12)};
  s.config.index_spec = index::parse_index_spec(row.text_view(13));
  s.config.storage = index::parse_vector_storage(row.text_view(14));
  s.state = parse_space_state(row.text_view(15));
  s.created_seq = row.int64(16);
  s.checkpoint = row.text(17);
  return s;
}

CollectionInfo load_details(Database& db, std::int64_t id, std::string name, std::int64_t created_seq) {
  CollectionInfo c;
  c.id = id;
  c.name = std::move(name);
  c.created_seq = created_seq;
  Statement spaces = db.prepare(std::string("SELECT ") + kSpaceColumns +
                                " FROM spaces WHERE collection_id = ?1 ORDER BY id");
  spaces.bind(1, id);
  while (spaces.step()) c.spaces.push_back(read_space(spaces));
  Statement aliases = db.prepare("SELECT name FROM aliases WHERE collection_id = ?1 ORDER BY name");
  aliases.bind(1, id);
  while (aliases.step()) c.aliases.push_back(aliases.text(0));
  return c;
}

std::string detail(std::initializer_list<std::pair<const char*, std::string>> fields) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump();
}

}  // namespace

const SpaceInfo* CollectionInfo::serving_space() const {
  for (const SpaceInfo& s : spaces) {
    if (s.state == SpaceState::kServing) return &s;
  }
  return nullptr;
}

const SpaceInfo* CollectionInfo::find_space(std::string_view space_name) const {
  for (const SpaceInfo& s : spaces) {
    if (s.name() == space_name) return &s;
  }
  return nullptr;
}

const SpaceInfo& CollectionInfo::space_or_serving(std::string_view space_name) const {
  if (space_name.empty()) {
    const SpaceInfo* s = serving_space();
    if (s == nullptr) {
      throw input_error("collection '" + name + "' has no embedding space (it holds text only)",
                        {.field = "space"});
    }
    return *s;
  }
  if (const SpaceInfo* s = find_space(space_name)) return *s;
  std::string known;
  for (const SpaceInfo& s : spaces) known += (known.empty() ? "" : ", ") + s.name();
  throw not_found_error("unknown space '" + std::string(space_name) + "' in collection '" + name +
                            "' (spaces: " + (known.empty() ? "none" : known) + ")",
                        {.field = "space"});
}

std::optional<CollectionInfo> find_collection(Database& db, std::string_view name_or_alias) {
  Statement by_name = db.prepare(
      "SELECT id, name, created_seq FROM collections WHERE name = ?1 "
      "UNION ALL SELECT c.id, c.name, c.created_seq FROM aliases a JOIN collections c "
      "ON c.id = a.collection_id WHERE a.name = ?1 LIMIT 1");
  by_name.bind(1, name_or_alias);
  if (!by_name.step()) return std::nullopt;
  return load_details(db, by_name.int64(0), by_name.text(1), by_name.int64(2));
}

CollectionInfo require_collection(Database& db, std::string_view name_or_alias) {
  auto c = find_collection(db, name_or_alias);
  if (!c) {
    throw not_found_error("unknown collection '" + std::string(name_or_alias) + "'",
                          {.field = "collection"});
  }
  return std::move(*c);
}

std::vector<CollectionInfo> list_collections(Database& db) {
  Statement all = db.prepare("SELECT id, name, created_seq FROM collections ORDER BY name");
  std::vector<CollectionInfo> out;
  while (all.step()) out.push_back(load_details(db, all.int64(0), all.text(1), all.int64(2)));
  return out;
}

std::vector<AliasInfo> list_aliases(Database& db) {
  Statement all = db.prepare(
      "SELECT a.name, c.name FROM aliases a JOIN collections c ON c.id = a.collection_id ORDER BY a.name");
  std::vector<AliasInfo> out;
  while (all.step()) out.push_back({all.text(0), all.text(1)});
  return out;
}

std::int64_t count_documents(Database& db, const CollectionInfo& collection) {
  Statement count = db.prepare("SELECT count(*) FROM " + docs_table(collection.id));
  count.step();
  return count.int64(0);
}

std::int64_t count_vectors(Database& db, const SpaceInfo& space) {
  Statement count = db.prepare("SELECT count(*) FROM " + vectors_table(space.id));
  count.step();
  return count.int64(0);
}

CollectionInfo insert_collection(Database& db, std::string_view name) {
  validate_name("collection", name);
  if (find_collection(db, name)) {
    throw conflict_error("collection or alias '" + std::string(name) + "' already exists",
                         {.field = "collection"});
  }
  Statement insert = db.prepare("INSERT INTO collections(name, created_seq) VALUES (?1, 0)");
  insert.bind(1, name).run();
  const std::int64_t id = db.last_insert_rowid();
  create_collection_tables(db, id);
  const std::int64_t seq =
      append_change(db, id, ChangeOp::kCollection, 0, {}, 0, detail({{"created", std::string(name)}}));
  Statement set_seq = db.prepare("UPDATE collections SET created_seq = ?1 WHERE id = ?2");
  set_seq.bind(1, seq).bind(2, id).run();
  return load_details(db, id, std::string(name), seq);
}

void delete_collection(Database& db, const CollectionInfo& collection) {
  if (!collection.aliases.empty()) {
    std::string names;
    for (const std::string& a : collection.aliases) names += (names.empty() ? "" : ", ") + a;
    throw conflict_error("collection '" + collection.name + "' is named by aliases " + names +
                             ": drop or move them first",
                         {.field = "collection"});
  }
  for (const SpaceInfo& s : collection.spaces) drop_space_table(db, s.id);
  Statement spaces = db.prepare("DELETE FROM spaces WHERE collection_id = ?1");
  spaces.bind(1, collection.id).run();
  drop_collection_tables(db, collection.id);
  Statement del = db.prepare("DELETE FROM collections WHERE id = ?1");
  del.bind(1, collection.id).run();
  append_change(db, collection.id, ChangeOp::kCollection, 0, {}, 0, detail({{"dropped", collection.name}}));
}

SpaceInfo insert_space(Database& db, const CollectionInfo& collection, const SpaceConfig& config,
                       SpaceState state) {
  validate_name("space", config.name);
  if (collection.find_space(config.name) != nullptr) {
    throw conflict_error("space '" + config.name + "' already exists in collection '" + collection.name + "'",
                         {.field = "space"});
  }
  if (config.dim == 0 || config.dim > config.model_dim) {
    throw usage_error("space '" + config.name + "': dimension " + std::to_string(config.dim) +
                          " must be between 1 and the model's " + std::to_string(config.model_dim),
                      {.field = "dim"});
  }
  if (state == SpaceState::kServing && collection.serving_space() != nullptr) {
    throw conflict_error("collection '" + collection.name + "' already has a serving space", {.field = "space"});
  }
  const std::int64_t seq = append_change(db, collection.id, ChangeOp::kSpace, 0, {}, 0,
                                         detail({{"created", config.name}, {"state", space_state_name(state)}}));
  Statement insert = db.prepare(
      "INSERT INTO spaces(collection_id, name, model, model_name, model_hash, model_dim, dim, metric, "
      "query_prompt, query_prefix, document_prompt, document_prefix, index_spec, storage, state, "
      "created_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  insert.bind(1, collection.id)
      .bind(2, std::string_view(config.name))
      .bind(3, std::string_view(config.model))
      .bind(4, std::string_view(config.model_name))
      .bind(5, std::string_view(config.model_hash))
      .bind(6, static_cast<std::int64_t>(config.model_dim))
      .bind(7, static_cast<std::int64_t>(config.dim))
      .bind(8, std::string_view(index::metric_name(config.metric)))
      .bind(9, std::string_view(config.query_prompt.name))
      .bind(10, std::string_view(config.query_prompt.prefix))
      .bind(11, std::string_view(config.document_prompt.name))
      .bind(12, std::string_view(config.document_prompt.prefix))
      .bind(13, std::string_view(config.index_spec.to_string()))
      .bind(14, std::string_view(index::vector_storage_name(config.storage)))
      .bind(15, std::string_view(space_state_name(state)))
      .bind(16, seq)
      .run();
  SpaceInfo s;
  s.id = db.last_insert_rowid();
  s.collection_id = collection.id;
  s.config = config;
  s.state = state;
  s.created_seq = seq;
  Statement set_space = db.prepare("UPDATE changes SET space_id = ?1 WHERE seq = ?2");
  set_space.bind(1, s.id).bind(2, seq).run();
  create_space_table(db, s.id);
  return s;
}

void update_space_state(Database& db, const SpaceInfo& space, SpaceState state) {
  Statement update = db.prepare("UPDATE spaces SET state = ?1 WHERE id = ?2");
  update.bind(1, std::string_view(space_state_name(state))).bind(2, space.id).run();
  append_change(db, space.collection_id, ChangeOp::kSpace, 0, {}, space.id,
                detail({{"space", space.name()}, {"state", space_state_name(state)}}));
}

void update_space_checkpoint(Database& db, const SpaceInfo& space, std::string_view checkpoint) {
  Statement update = db.prepare("UPDATE spaces SET checkpoint = ?1 WHERE id = ?2");
  update.bind(1, checkpoint).bind(2, space.id).run();
}

void delete_space(Database& db, const SpaceInfo& space) {
  drop_space_table(db, space.id);
  Statement del = db.prepare("DELETE FROM spaces WHERE id = ?1");
  del.bind(1, space.id).run();
  append_change(db, space.collection_id, ChangeOp::kSpace, 0, {}, space.id, detail({{"dropped", space.name()}}));
}

void upsert_alias(Database& db, std::string_view alias, const CollectionInfo& collection) {
  validate_name("alias", alias);
  Statement is_collection = db.prepare("SELECT 1 FROM collections WHERE name = ?1");
  is_collection.bind(1, alias);
  if (is_collection.step()) {
    throw conflict_error("'" + std::string(alias) + "' is a collection; an alias needs a name of its own",
                         {.field = "alias"});
  }
  Statement put = db.prepare(
      "INSERT INTO aliases(name, collection_id) VALUES (?1, ?2) "
      "ON CONFLICT(name) DO UPDATE SET collection_id = excluded.collection_id");
  put.bind(1, alias).bind(2, collection.id).run();
  append_change(db, collection.id, ChangeOp::kAlias, 0, {}, 0,
                detail({{"alias", std::string(alias)}, {"collection", collection.name}}));
}

void delete_alias(Database& db, std::string_view alias) {
  Statement find = db.prepare("SELECT collection_id FROM aliases WHERE name = ?1");
  find.bind(1, alias);
  if (!find.step()) throw not_found_error("unknown alias '" + std::string(alias) + "'", {.field = "alias"});
  const std::int64_t collection_id = find.int64(0);
  Statement del = db.prepare("DELETE FROM aliases WHERE name = ?1");
  del.bind(1, alias).run();
  append_change(db, collection_id, ChangeOp::kAlias, 0, {}, 0, detail({{"dropped", std::string(alias)}}));
}

}  // namespace molt::store
