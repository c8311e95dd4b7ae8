#include "molt/store/filtered_keys.h"

#include "molt/store/schema.h"

namespace molt::store {

void bind_filter_params(Statement& statement, const FilterSql& filter, int first_param) {
  int p = first_param;
  for (const nlohmann::json& v : filter.params) {
    if (v.is_string()) {
      statement.bind(p++, std::string_view(v.get_ref<const std::string&>()));
    } else if (v.is_number_integer() && !v.is_number_unsigned()) {
      statement.bind(p++, v.get<std::int64_t>());
    } else if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
      statement.bind(p++, static_cast<std::int64_t>(v.get<std::uint64_t>()));
    } else {
      statement.bind(p++, v.get<double>());
    }
  }
}

std::vector<std::int64_t> keys_matching(Database& db, const CollectionInfo& collection,
                                        std::span<const MetadataFilter> filters) {
  const FilterSql filter = filter_sql(filters, "metadata", 1);
  Statement select =
      db.prepare("SELECT key FROM " + docs_table(collection.id) + " WHERE " + filter.condition + " ORDER BY key");
  bind_filter_params(select, filter, 1);
  std::vector<std::int64_t> keys;
  while (select.step()) keys.push_back(select.int64(0));
  return keys;
}

}  // namespace molt::store
