// JsonConfig: one JSON configuration file of a model folder (config.json, modules.json,
// 1_Pooling/config.json, ...) with typed accessors whose errors name the file and the field.
// Read as Python's json module and the reference code read it: a field that is absent or
// null takes the reference's default; a field of the wrong type is an input error, never a
// silent conversion (except integers given as 2.0, which Python would also accept as a
// number where it expects a float).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace molt::model {

class JsonConfig {
 public:
  // Parses `text`; `source` names it in errors. Throws input_error for invalid JSON or when
  // the document is not an object (unless allow_array, for modules.json).
  static JsonConfig parse(std::string_view text, std::string source, bool allow_array = false);
  // Throws not_found_error when `path` does not exist.
  static JsonConfig read(const std::filesystem::path& path, bool allow_array = false);
  static std::optional<JsonConfig> read_if_exists(const std::filesystem::path& path,
                                                  bool allow_array = false);

  const std::string& source() const { return source_; }
  const nlohmann::json& json() const { return json_; }

  // True when the field is present and not null.
  bool has(std::string_view key) const;

  // Required fields: an input error when absent, null or of another type.
  std::int64_t require_int(std::string_view key) const;
  std::string require_string(std::string_view key) const;

  // Optional fields: the fallback when absent or null.
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
  double get_double(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;
  std::string get_string(std::string_view key, std::string_view fallback) const;
  std::optional<std::int64_t> find_int(std::string_view key) const;
  std::optional<std::string> find_string(std::string_view key) const;

 private:
  JsonConfig(nlohmann::json json, std::string source) : json_(std::move(json)), source_(std::move(source)) {}
  const nlohmann::json* find(std::string_view key) const;

  nlohmann::json json_;
  std::string source_;
};

}  // namespace molt::model
