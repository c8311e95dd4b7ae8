// Typed access to the fields of a JSON request object. Every accessor returns nullopt when
// the field is absent or null and throws input_error naming the field when it has the wrong
// type, so routes state their expectations in one line each.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace molt::server {

std::optional<std::string> string_field(const nlohmann::json& object, const std::string& name);
std::optional<bool> bool_field(const nlohmann::json& object, const std::string& name);
// An integer in [min, max] (JSON numbers with a fraction are refused).
std::optional<std::int64_t> integer_field(const nlohmann::json& object, const std::string& name,
                                          std::int64_t min, std::int64_t max);
std::optional<double> number_field(const nlohmann::json& object, const std::string& name);

// Refuses fields the route does not know: a typo ("filters", "top_k") would otherwise be
// silently ignored and answer something else than what was asked.
void check_known_fields(const nlohmann::json& object, std::initializer_list<std::string_view> known);

// The JSON type of `value` in words, for messages: "a string", "an array", "null".
std::string json_type_name(const nlohmann::json& value);

}  // namespace molt::server
