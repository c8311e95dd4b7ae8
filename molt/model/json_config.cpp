#include "molt/model/json_config.h"

#include <cmath>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::model {
namespace {

std::string type_name(const nlohmann::json& v) { return v.type_name(); }

}  // namespace

JsonConfig JsonConfig::parse(std::string_view text, std::string source, bool allow_array) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("invalid JSON at byte " + std::to_string(e.byte), {.file = source});
  } catch (const nlohmann::json::exception&) {
    // A number beyond a double's range (1e999) is out_of_range, not a parse error.
    throw input_error("invalid JSON: a number is out of range", {.file = source});
  }
  if (!doc.is_object() && !(allow_array && doc.is_array())) {
    throw input_error(std::string("expected a JSON ") + (allow_array ? "array" : "object") +
                          ", found " + doc.type_name(),
                      {.file = source});
  }
  return JsonConfig(std::move(doc), std::move(source));
}

JsonConfig JsonConfig::read(const std::filesystem::path& path, bool allow_array) {
  return parse(read_file(path), path.string(), allow_array);
}

std::optional<JsonConfig> JsonConfig::read_if_exists(const std::filesystem::path& path,
                                                     bool allow_array) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return read(path, allow_array);
}

const nlohmann::json* JsonConfig::find(std::string_view key) const {
  if (!json_.is_object()) return nullptr;
  const auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonConfig::has(std::string_view key) const { return find(key) != nullptr; }

std::optional<std::int64_t> JsonConfig::find_int(std::string_view key) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      throw input_error("field is too large", {.file = source_, .field = std::string(key)});
    }
    return v->get<std::int64_t>();
  }
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  throw input_error("expected an integer, found " + type_name(*v) +
                        (v->is_number() ? " " + v->dump() : std::string()),
                    {.file = source_, .field = std::string(key)});
}

std::optional<std::string> JsonConfig::find_string(std::string_view key) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    throw input_error("expected a string, found " + type_name(*v),
                      {.file = source_, .field = std::string(key)});
  }
  return v->get<std::string>();
}

std::int64_t JsonConfig::require_int(std::string_view key) const {
  if (auto v = find_int(key)) return *v;
  throw input_error("missing field", {.file = source_, .field = std::string(key)});
}

std::string JsonConfig::require_string(std::string_view key) const {
  if (auto v = find_string(key)) return *v;
  throw input_error("missing field", {.file = source_, .field = std::string(key)});
}

std::int64_t JsonConfig::get_int(std::string_view key, std::int64_t fallback) const {
  return find_int(key).value_or(fallback);
}

double JsonConfig::get_double(std::string_view key, double fallback) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number()) {
    throw input_error("expected a number, found " + type_name(*v),
                      {.file = source_, .field = std::string(key)});
  }
  return v->get<double>();
}

bool JsonConfig::get_bool(std::string_view key, bool fallback) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    throw input_error("expected true or false, found " + type_name(*v),
                      {.file = source_, .field = std::string(key)});
  }
  return v->get<bool>();
}

std::string JsonConfig::get_string(std::string_view key, std::string_view fallback) const {
  return find_string(key).value_or(std::string(fallback));
}

}  // namespace molt::model
