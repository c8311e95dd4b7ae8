// Canary routing: while a migration's complete new space has a canary share, that share of
// searches uses it and the rest the old space. The side is chosen by a hash of the query
// text, so one query always lands on the same side (a user repeating a search sees the same
// results). Each process counts the searches it routes in a small file beside the store,
// under an flock, so `migrate status` can show the counts of every process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "molt/migrate/migration_record.h"

namespace molt::migrate {

// Whether `query` falls in the new space's share (`percent`, 0..100). Stable across
// processes, machines and versions: FNV-1a 64 of the bytes, in 10,000 buckets.
bool routes_to_new(std::string_view query, double percent);

struct CanaryRoute {
  std::string space;    // the space to search
  bool to_new = false;  // the new space's side
  std::int64_t new_space_id = 0;  // whose counts the search adds to
};

// The space a search of `collection` for `query` should use when it names none: the side
// the canary picks while `m` (the collection's latest migration) is in canary, else nullopt
// (the serving space).
std::optional<CanaryRoute> canary_route(const std::optional<Migration>& m, std::string_view query);

struct CanaryCounts {
  std::int64_t old_side = 0;
  std::int64_t new_side = 0;
};

// Adds one search to a side of the canary of new space `space_id`, in store folder `dir`.
void count_canary_search(const std::filesystem::path& dir, std::int64_t space_id, bool to_new);
CanaryCounts read_canary_counts(const std::filesystem::path& dir, std::int64_t space_id);
// Forgets the counts of new space `space_id` (its migration was abandoned); none is fine.
void remove_canary_counts(const std::filesystem::path& dir, std::int64_t space_id);

}  // namespace molt::migrate
