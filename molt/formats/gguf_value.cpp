#include "molt/formats/gguf_value.h"

#include <cstring>
#include <utility>

#include "molt/base/check.h"

namespace molt::formats {
namespace {

bool is_unsigned(GgufType t) {
  return t == GgufType::kU8 || t == GgufType::kU16 || t == GgufType::kU32 || t == GgufType::kU64;
}
bool is_signed(GgufType t) {
  return t == GgufType::kI8 || t == GgufType::kI16 || t == GgufType::kI32 || t == GgufType::kI64;
}
bool is_floating(GgufType t) { return t == GgufType::kF32 || t == GgufType::kF64; }

template <class T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

std::string_view gguf_type_name(GgufType type) {
  switch (type) {
    case GgufType::kU8: return "u8";
    case GgufType::kI8: return "i8";
    case GgufType::kU16: return "u16";
    case GgufType::kI16: return "i16";
    case GgufType::kU32: return "u32";
    case GgufType::kI32: return "i32";
    case GgufType::kF32: return "f32";
    case GgufType::kBool: return "bool";
    case GgufType::kString: return "string";
    case GgufType::kArray: return "array";
    case GgufType::kU64: return "u64";
    case GgufType::kI64: return "i64";
    case GgufType::kF64: return "f64";
  }
  return {};
}

bool is_valid_gguf_type(std::uint32_t id) { return id <= 12; }

std::size_t gguf_type_size(GgufType type) {
  switch (type) {
    case GgufType::kU8:
    case GgufType::kI8:
    case GgufType::kBool: return 1;
    case GgufType::kU16:
    case GgufType::kI16: return 2;
    case GgufType::kU32:
    case GgufType::kI32:
    case GgufType::kF32: return 4;
    case GgufType::kU64:
    case GgufType::kI64:
    case GgufType::kF64: return 8;
    case GgufType::kString:
    case GgufType::kArray: return 0;
  }
  return 0;
}

GgufValue GgufValue::unsigned_int(GgufType type, std::uint64_t u) {
  MOLT_CHECK(is_unsigned(type));
  GgufValue v;
  v.type_ = type;
  v.value_ = u;
  return v;
}

GgufValue GgufValue::signed_int(GgufType type, std::int64_t i) {
  MOLT_CHECK(is_signed(type));
  GgufValue v;
  v.type_ = type;
  v.value_ = i;
  return v;
}

GgufValue GgufValue::floating(GgufType type, double f) {
  MOLT_CHECK(is_floating(type));
  GgufValue v;
  v.type_ = type;
  v.value_ = f;
  return v;
}

GgufValue GgufValue::boolean(bool b) {
  GgufValue v;
  v.type_ = GgufType::kBool;
  v.value_ = b;
  return v;
}

GgufValue GgufValue::string(std::string s) {
  GgufValue v;
  v.type_ = GgufType::kString;
  v.value_ = std::move(s);
  return v;
}

GgufValue GgufValue::fixed_array(GgufType element_type, std::vector<std::byte> raw) {
  const std::size_t size = gguf_type_size(element_type);
  MOLT_CHECK(size > 0 && raw.size() % size == 0);
  GgufValue v;
  v.type_ = GgufType::kArray;
  v.element_type_ = element_type;
  v.value_ = std::move(raw);
  return v;
}

GgufValue GgufValue::string_array(std::vector<std::string> strings) {
  GgufValue v;
  v.type_ = GgufType::kArray;
  v.element_type_ = GgufType::kString;
  v.value_ = std::move(strings);
  return v;
}

GgufValue GgufValue::nested_array(std::vector<GgufValue> arrays) {
  GgufValue v;
  v.type_ = GgufType::kArray;
  v.element_type_ = GgufType::kArray;
  v.value_ = std::move(arrays);
  return v;
}

std::string GgufValue::type_name() const {
  if (!is_array()) return std::string(gguf_type_name(type_));
  if (element_type_ != GgufType::kArray) {
    return "array[" + std::string(gguf_type_name(element_type_)) + "]";
  }
  const auto& items = arrays();
  return "array[" + (items.empty() ? std::string("array") : items.front().type_name()) + "]";
}

std::uint64_t GgufValue::as_unsigned() const {
  MOLT_CHECK(is_unsigned(type_));
  return std::get<std::uint64_t>(value_);
}

std::int64_t GgufValue::as_signed() const {
  MOLT_CHECK(is_signed(type_));
  return std::get<std::int64_t>(value_);
}

double GgufValue::as_floating() const {
  MOLT_CHECK(is_floating(type_));
  return std::get<double>(value_);
}

bool GgufValue::as_bool() const {
  MOLT_CHECK(type_ == GgufType::kBool);
  return std::get<bool>(value_);
}

const std::string& GgufValue::as_string() const {
  MOLT_CHECK(type_ == GgufType::kString);
  return std::get<std::string>(value_);
}

std::size_t GgufValue::array_size() const {
  MOLT_CHECK(is_array());
  if (element_type_ == GgufType::kString) return strings().size();
  if (element_type_ == GgufType::kArray) return arrays().size();
  return raw().size() / gguf_type_size(element_type_);
}

GgufValue GgufValue::element(std::size_t i) const {
  MOLT_CHECK(i < array_size());
  if (element_type_ == GgufType::kString) return string(strings()[i]);
  if (element_type_ == GgufType::kArray) return arrays()[i];
  const std::byte* p = raw().data() + i * gguf_type_size(element_type_);
  switch (element_type_) {
    case GgufType::kU8: return unsigned_int(element_type_, load<std::uint8_t>(p));
    case GgufType::kU16: return unsigned_int(element_type_, load<std::uint16_t>(p));
    case GgufType::kU32: return unsigned_int(element_type_, load<std::uint32_t>(p));
    case GgufType::kU64: return unsigned_int(element_type_, load<std::uint64_t>(p));
    case GgufType::kI8: return signed_int(element_type_, load<std::int8_t>(p));
    case GgufType::kI16: return signed_int(element_type_, load<std::int16_t>(p));
    case GgufType::kI32: return signed_int(element_type_, load<std::int32_t>(p));
    case GgufType::kI64: return signed_int(element_type_, load<std::int64_t>(p));
    case GgufType::kF32: return floating(element_type_, load<float>(p));
    case GgufType::kF64: return floating(element_type_, load<double>(p));
    case GgufType::kBool: return boolean(load<std::uint8_t>(p) != 0);
    case GgufType::kString:
    case GgufType::kArray: break;
  }
  MOLT_CHECK(false);
  return boolean(false);
}

const std::vector<std::string>& GgufValue::strings() const {
  MOLT_CHECK(is_array() && element_type_ == GgufType::kString);
  return std::get<std::vector<std::string>>(value_);
}

const std::vector<GgufValue>& GgufValue::arrays() const {
  MOLT_CHECK(is_array() && element_type_ == GgufType::kArray);
  return std::get<std::vector<GgufValue>>(value_);
}

std::span<const std::byte> GgufValue::raw() const {
  MOLT_CHECK(is_array() && gguf_type_size(element_type_) > 0);
  return std::get<std::vector<std::byte>>(value_);
}

}  // namespace molt::formats
