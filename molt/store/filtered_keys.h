// Metadata filters run against a collection's documents in SQLite: the keys of the
// documents that match (the allowed set a dense search is restricted to), and the binding
// of a filter's parameters into a statement that embeds its condition.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "molt/store/catalog.h"
#include "molt/store/metadata_filter.h"
#include "molt/store/sqlite.h"

namespace molt::store {

// Keys (ascending) of the documents whose metadata satisfies every filter.
std::vector<std::int64_t> keys_matching(Database& db, const CollectionInfo& collection,
                                        std::span<const MetadataFilter> filters);

// Binds filter.params to ?first_param, ?first_param + 1, ... (as filter_sql numbered them).
void bind_filter_params(Statement& statement, const FilterSql& filter, int first_param);

}  // namespace molt::store
