// The catalog: collections, their spaces and aliases, as rows of the store's SQLite tables.
// Functions here run inside the caller's transaction (Store opens them); writes also append
// their change-log row, so a catalog change and its log entry commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "molt/store/space.h"
#include "molt/store/sqlite.h"

namespace molt::store {

struct CollectionInfo {
  std::int64_t id = 0;           // unique in the store, never reused
  std::string name;
  std::int64_t created_seq = 0;
  std::vector<SpaceInfo> spaces;      // in creation order
  std::vector<std::string> aliases;   // names of aliases pointing here, sorted

  const SpaceInfo* serving_space() const;  // nullptr when the collection has no space
  const SpaceInfo* find_space(std::string_view name) const;
  // The named space, or the serving one for an empty name. Throws not_found_error (naming
  // the collection's spaces) or, for an empty name with no space, input_error.
  const SpaceInfo& space_or_serving(std::string_view name) const;
};

struct AliasInfo {
  std::string name;
  std::string collection;
};

// Finds a collection by its name, or by an alias naming it.
std::optional<CollectionInfo> find_collection(Database& db, std::string_view name_or_alias);
// The same; throws not_found_error ("unknown collection 'x'") when there is none.
CollectionInfo require_collection(Database& db, std::string_view name_or_alias);
std::vector<CollectionInfo> list_collections(Database& db);
std::vector<AliasInfo> list_aliases(Database& db);
std::int64_t count_documents(Database& db, const CollectionInfo& collection);
std::int64_t count_vectors(Database& db, const SpaceInfo& space);

// Writes (inside a write transaction).
CollectionInfo insert_collection(Database& db, std::string_view name);
void delete_collection(Database& db, const CollectionInfo& collection);
SpaceInfo insert_space(Database& db, const CollectionInfo& collection, const SpaceConfig& config,
                       SpaceState state);
void update_space_state(Database& db, const SpaceInfo& space, SpaceState state);
void update_space_checkpoint(Database& db, const SpaceInfo& space, std::string_view checkpoint);
void delete_space(Database& db, const SpaceInfo& space);
void upsert_alias(Database& db, std::string_view alias, const CollectionInfo& collection);
void delete_alias(Database& db, std::string_view alias);

}  // namespace molt::store
