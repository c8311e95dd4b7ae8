// GgufValue: one metadata value of a GGUF file — a number, bool, string, or a (possibly
// nested) array of them — with GGUF's own type tags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace molt::formats {

// GGUF's value type ids (gguf.h's gguf_type).
enum class GgufType : std::uint32_t {
  kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7,
  kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};

// "u8", "i32", "f32", "bool", "string", "array"; empty for ids outside GGUF's list.
std::string_view gguf_type_name(GgufType type);
bool is_valid_gguf_type(std::uint32_t id);
// Bytes of one value of a fixed-size type; 0 for string and array.
std::size_t gguf_type_size(GgufType type);

class GgufValue {
 public:
  // Scalars of fixed-size types (the value is converted exactly to the storage type:
  // unsigned types in `u`, signed in `i`, f32/f64 in `f`).
  static GgufValue unsigned_int(GgufType type, std::uint64_t u);
  static GgufValue signed_int(GgufType type, std::int64_t i);
  static GgufValue floating(GgufType type, double f);
  static GgufValue boolean(bool b);
  static GgufValue string(std::string s);
  // Arrays: of a fixed-size element type (`raw` holds count × size little-endian bytes),
  // of strings, or of arrays.
  static GgufValue fixed_array(GgufType element_type, std::vector<std::byte> raw);
  static GgufValue string_array(std::vector<std::string> strings);
  static GgufValue nested_array(std::vector<GgufValue> arrays);

  GgufType type() const { return type_; }
  bool is_array() const { return type_ == GgufType::kArray; }
  // "u32", "string", "array[string]", "array[array[i32]]".
  std::string type_name() const;

  // Scalars; MOLT_CHECK the type's family.
  std::uint64_t as_unsigned() const;  // u8 u16 u32 u64
  std::int64_t as_signed() const;     // i8 i16 i32 i64
  double as_floating() const;         // f32 f64 (f32 exactly widened)
  bool as_bool() const;
  const std::string& as_string() const;

  // Arrays; MOLT_CHECK is_array().
  GgufType element_type() const { return element_type_; }
  std::size_t array_size() const;
  // Element i as a value of its own (a copy).
  GgufValue element(std::size_t i) const;
  const std::vector<std::string>& strings() const;  // element type string
  const std::vector<GgufValue>& arrays() const;     // element type array
  std::span<const std::byte> raw() const;           // fixed-size element types

 private:
  GgufValue() = default;

  GgufType type_ = GgufType::kU8;
  GgufType element_type_ = GgufType::kU8;
  std::variant<std::uint64_t, std::int64_t, double, bool, std::string, std::vector<std::byte>,
               std::vector<std::string>, std::vector<GgufValue>>
      value_;
};

}  // namespace molt::formats
