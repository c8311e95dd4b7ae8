#include "molt/store/metadata_filter.h"

#include "molt/base/error.h"

namespace molt::store {
namespace {

constexpr std::size_t kMaxDepth = 16;

std::string json_path(const std::vector<std::string>& path) {
  std::string out = "$";
  for (const std::string& field : path) out += ".\"" + field + "\"";
  return out;
}

long double as_number(const nlohmann::json& v) {
  if (v.is_number_float()) return v.get<double>();
  if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
  return static_cast<long double>(v.get<std::int64_t>());
}

}  // namespace

MetadataFilter parse_metadata_filter(std::string_view text) {
  const Where where{.field = "filter"};
  const std::string quoted = "'" + std::string(text.substr(0, 200)) + "'";
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) throw usage_error("filter " + quoted + " needs KEY=VALUE", where);
  MetadataFilter f;
  std::string_view key = text.substr(0, eq);
  while (true) {
    const auto dot = key.find('.');
    const std::string_view field = key.substr(0, dot);
    if (field.empty()) throw usage_error("filter " + quoted + " has an empty field name", where);
    for (const char c : field) {
      if (c == '"' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        throw usage_error("filter " + quoted + ": field names may not hold '\"' or control characters", where);
      }
    }
    f.path.emplace_back(field);
    if (f.path.size() > kMaxDepth) throw usage_error("filter " + quoted + " nests deeper than 16 fields", where);
    if (dot == std::string_view::npos) break;
    key = key.substr(dot + 1);
  }
  const std::string_view value = text.substr(eq + 1);
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    f.value = std::string(value);  // not JSON: the text itself
  } else if (parsed.is_array() || parsed.is_object()) {
    throw usage_error("filter " + quoted + ": the value must be a string, number, boolean or null", where);
  } else {
    f.value = std::move(parsed);
  }
  return f;
}

bool matches_filters(const nlohmann::json& metadata, std::span<const MetadataFilter> filters) {
  for (const MetadataFilter& f : filters) {
    const nlohmann::json* node = &metadata;
    for (const std::string& field : f.path) {
      if (!node->is_object()) return false;
      const auto it = node->find(field);
      if (it == node->end()) return false;
      node = &*it;
    }
    if (f.value.is_number()) {
      // long double holds every int64, uint64 and double exactly, so 3 == 3.0 and large
      // integers compare exactly.
      if (!node->is_number() || as_number(*node) != as_number(f.value)) return false;
    } else if (*node != f.value) {
      return false;
    }
  }
  return true;
}

FilterSql filter_sql(std::span<const MetadataFilter> filters, std::string_view column, int first_param) {
  FilterSql out;
  if (filters.empty()) {
    out.condition = "1";
    return out;
  }
  int p = first_param;
  const std::string col(column);
  for (const MetadataFilter& f : filters) {
    if (!out.condition.empty()) out.condition += " AND ";
    const std::string path = "?" + std::to_string(p++);
    out.params.emplace_back(json_path(f.path));
    const std::string type = "json_type(" + col + ", " + path + ")";
    if (f.value.is_null()) {
      out.condition += "(" + type + " = 'null')";
    } else if (f.value.is_boolean()) {
      out.condition += "(" + type + (f.value.get<bool>() ? " = 'true')" : " = 'false')");
    } else {
      const std::string value = "?" + std::to_string(p++);
      out.params.push_back(f.value);
      const std::string kind = f.value.is_string() ? "'text'" : "'integer', 'real'";
      out.condition += "(" + type + " IN (" + kind + ") AND json_extract(" + col + ", " + path + ") = " + value + ")";
    }
  }
  return out;
}

}  // namespace molt::store
