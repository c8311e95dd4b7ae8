// Fuzz target: `--filter KEY=VALUE` expressions. Each line is parsed; what parses is turned
// into SQL (which must quote nothing from the input: paths and values are bound
// parameters) and evaluated against a fixed metadata object. Malformed filters must throw
// molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/store/metadata_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const nlohmann::json metadata = {
      {"year", 2021}, {"lang", "en"}, {"ok", true}, {"none", nullptr}, {"score", 0.5},
      {"a", {{"b", {{"c", "deep"}}}}}, {"big", 18446744073709551615ULL}, {"list", {1, 2}}};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<molt::store::MetadataFilter> filters;
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    try {
      filters.push_back(molt::store::parse_metadata_filter(input.substr(0, end)));
    } catch (const molt::Error&) {
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  (void)molt::store::matches_filters(metadata, filters);
  const molt::store::FilterSql sql = molt::store::filter_sql(filters, "metadata", 1);
  // Nothing from the input reaches the SQL text itself: its only literals are molt's own.
  static const std::set<std::string_view> kLiterals = {"null", "true", "false", "text", "integer", "real"};
  const std::string_view condition = sql.condition;
  for (std::size_t at = condition.find('\''); at != std::string_view::npos; at = condition.find('\'', at + 1)) {
    const std::size_t close = condition.find('\'', at + 1);
    if (close == std::string_view::npos || kLiterals.count(condition.substr(at + 1, close - at - 1)) == 0) std::abort();
    at = close;
  }
  if (condition.find(';') != std::string_view::npos || condition.find("--") != std::string_view::npos) std::abort();
  return 0;
}
