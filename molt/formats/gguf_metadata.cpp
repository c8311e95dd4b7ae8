#include "molt/formats/gguf_metadata.h"

#include <cstring>

#include "molt/base/error.h"

namespace molt::formats {
namespace {

template <class T>
std::vector<T> decode(const GgufValue& v) {
  const auto raw = v.raw();
  std::vector<T> out(raw.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

}  // namespace

bool GgufMetadata::add(std::string key, GgufValue value) {
  if (by_key_.count(key) != 0) return false;
  by_key_.emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
  return true;
}

const GgufValue* GgufMetadata::find(std::string_view key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &entries_[it->second].second;
}

const GgufValue& GgufMetadata::get(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) {
    throw input_error("GGUF metadata has no key " + std::string(key),
                      {.file = source_, .field = std::string(key)});
  }
  return *v;
}

const GgufValue& GgufMetadata::typed(std::string_view key, std::string_view type_name) const {
  const GgufValue& v = get(key);
  const std::string actual = v.type_name();
  if (actual != type_name) {
    throw input_error("GGUF metadata key " + std::string(key) + " holds " + actual +
                          ", expected " + std::string(type_name),
                      {.file = source_, .field = std::string(key)});
  }
  return v;
}

const std::string& GgufMetadata::get_string(std::string_view key) const {
  return typed(key, "string").as_string();
}
std::uint32_t GgufMetadata::get_u32(std::string_view key) const {
  return static_cast<std::uint32_t>(typed(key, "u32").as_unsigned());
}
std::int32_t GgufMetadata::get_i32(std::string_view key) const {
  return static_cast<std::int32_t>(typed(key, "i32").as_signed());
}
std::uint64_t GgufMetadata::get_u64(std::string_view key) const {
  return typed(key, "u64").as_unsigned();
}
float GgufMetadata::get_f32(std::string_view key) const {
  return static_cast<float>(typed(key, "f32").as_floating());
}
bool GgufMetadata::get_bool(std::string_view key) const { return typed(key, "bool").as_bool(); }

const std::vector<std::string>& GgufMetadata::get_string_array(std::string_view key) const {
  return typed(key, "array[string]").strings();
}
std::vector<std::int32_t> GgufMetadata::get_i32_array(std::string_view key) const {
  return decode<std::int32_t>(typed(key, "array[i32]"));
}
std::vector<float> GgufMetadata::get_f32_array(std::string_view key) const {
  return decode<float>(typed(key, "array[f32]"));
}

std::optional<std::string> GgufMetadata::find_string(std::string_view key) const {
  if (!contains(key)) return std::nullopt;
  return get_string(key);
}
std::optional<std::uint32_t> GgufMetadata::find_u32(std::string_view key) const {
  if (!contains(key)) return std::nullopt;
  return get_u32(key);
}
std::optional<std::int32_t> GgufMetadata::find_i32(std::string_view key) const {
  if (!contains(key)) return std::nullopt;
  return get_i32(key);
}
std::optional<float> GgufMetadata::find_f32(std::string_view key) const {
  if (!contains(key)) return std::nullopt;
  return get_f32(key);
}
std::optional<bool> GgufMetadata::find_bool(std::string_view key) const {
  if (!contains(key)) return std::nullopt;
  return get_bool(key);
}

}  // namespace molt::formats
