// GgufMetadata: a GGUF file's key/value metadata in file order, with typed accessors that
// check the stored type (as llama.cpp's loader does: no silent conversions) and name the
// file and key in every error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "molt/formats/gguf_value.h"

namespace molt::formats {

class GgufMetadata {
 public:
  GgufMetadata() = default;
  explicit GgufMetadata(std::string source) : source_(std::move(source)) {}

  // Returns false (and keeps the first) when `key` is already present.
  bool add(std::string key, GgufValue value);

  const std::vector<std::pair<std::string, GgufValue>>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  const GgufValue* find(std::string_view key) const;

  // get_*: throw input_error naming the file and key when the key is missing or holds
  // another type. find_*: nullopt when missing, the same error on a type mismatch.
  const GgufValue& get(std::string_view key) const;
  const std::string& get_string(std::string_view key) const;
  std::uint32_t get_u32(std::string_view key) const;
  std::int32_t get_i32(std::string_view key) const;
  std::uint64_t get_u64(std::string_view key) const;
  float get_f32(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  const std::vector<std::string>& get_string_array(std::string_view key) const;
  std::vector<std::int32_t> get_i32_array(std::string_view key) const;
  std::vector<float> get_f32_array(std::string_view key) const;

  std::optional<std::string> find_string(std::string_view key) const;
  std::optional<std::uint32_t> find_u32(std::string_view key) const;
  std::optional<std::int32_t> find_i32(std::string_view key) const;
  std::optional<float> find_f32(std::string_view key) const;
  std::optional<bool> find_bool(std::string_view key) const;

 private:
  // The value at `key` after checking its type name ("u32", "array[string]").
  const GgufValue& typed(std::string_view key, std::string_view type_name) const;

  std::string source_;
  std::vector<std::pair<std::string, GgufValue>> entries_;
  std::map<std::string, std::size_t, std::less<>> by_key_;
};

}  // namespace molt::formats
