// Equality filters on documents' metadata, as `molt search --filter KEY=VALUE` writes them:
//   year=2021          the number 2021 (2021.0 too)
//   lang=en            the string "en" (a value that is not JSON is a string)
//   code="2021"        the string "2021" (JSON quotes make it one)
//   draft=false        the boolean; null matches an explicit null
//   author.name=Ada    a nested field: dots separate field names
// Several filters must all hold. A document lacking the field never matches.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::store {

struct MetadataFilter {
  std::vector<std::string> path;  // field names from the metadata object down
  nlohmann::json value;           // a scalar: string, number, boolean or null

  bool operator==(const MetadataFilter&) const = default;
};

// Parses "KEY=VALUE". Throws usage_error naming the filter: no '=', an empty field name,
// a field name with '"' or a control character, more than 16 levels, an array or object
// as value.
MetadataFilter parse_metadata_filter(std::string_view text);

// Whether `metadata` satisfies every filter (the definition the SQL below implements).
bool matches_filters(const nlohmann::json& metadata, std::span<const MetadataFilter> filters);

// One SQL condition for all filters over a JSON text column, e.g. "d.metadata": the
// condition refers to parameters ?first_param... in order; bind() binds their values.
struct FilterSql {
  std::string condition;  // "1" when there are no filters
  std::vector<nlohmann::json> params;  // strings (paths and text), integers, reals
};
FilterSql filter_sql(std::span<const MetadataFilter> filters, std::string_view column, int first_param);

}  // namespace molt::store
