#include "molt/server/json_fields.h"

#include "molt/base/error.h"

namespace molt::server {
namespace {

const nlohmann::json* find(const nlohmann::json& object, const std::string& name) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

[[noreturn]] void wrong_type(const std::string& name, const char* expected, const nlohmann::json& value) {
  throw input_error("'" + name + "' must be " + expected + ", not " + json_type_name(value),
                    {.field = name});
}

}  // namespace

void check_known_fields(const nlohmann::json& object, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    for (const std::string_view k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw input_error("unknown field '" + key + "' (this route takes: " + list + ")", {.field = key});
    }
  }
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: break;
  }
  return "an unknown value";
}

std::optional<std::string> string_field(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json* v = find(object, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) wrong_type(name, "a string", *v);
  return v->get<std::string>();
}

std::optional<bool> bool_field(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json* v = find(object, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) wrong_type(name, "true or false", *v);
  return v->get<bool>();
}

std::optional<std::int64_t> integer_field(const nlohmann::json& object, const std::string& name,
                                          std::int64_t min, std::int64_t max) {
  const nlohmann::json* v = find(object, name);
  if (v == nullptr) return std::nullopt;
  const std::string range = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      throw input_error("'" + name + "' must be " + range + ", not " + std::to_string(u), {.field = name});
    }
    const auto i = static_cast<std::int64_t>(u);
    if (i < min) throw input_error("'" + name + "' must be " + range + ", not " + std::to_string(i), {.field = name});
    return i;
  }
  if (v->is_number_integer()) {
    const auto i = v->get<std::int64_t>();
    if (i < min || i > max) {
      throw input_error("'" + name + "' must be " + range + ", not " + std::to_string(i), {.field = name});
    }
    return i;
  }
  wrong_type(name, range.c_str(), *v);
}

std::optional<double> number_field(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json* v = find(object, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) wrong_type(name, "a number", *v);
  return v->get<double>();
}

}  // namespace molt::server
