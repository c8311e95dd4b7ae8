// ByteReader: a bounds-checked little-endian cursor over untrusted bytes. Every read checks
// what is left first and throws input_error naming the source file, the field being read
// and its byte offset, so a truncated or hostile file can never make a reader overrun.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace molt::formats {

class ByteReader {
 public:
  // `bytes` must outlive the reader; `source` names the file in errors.
  ByteReader(std::span<const std::byte> bytes, std::string source);

  std::uint64_t offset() const { return offset_; }
  std::uint64_t size() const { return bytes_.size(); }
  std::uint64_t remaining() const { return bytes_.size() - offset_; }
  const std::string& source() const { return source_; }

  // A little-endian value of an arithmetic type.
  template <class T>
  T read(std::string_view field) {
    static_assert(std::is_arithmetic_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T), field).data(), sizeof(T));
    return value;
  }
  std::uint8_t u8(std::string_view field) { return read<std::uint8_t>(field); }
  std::uint16_t u16(std::string_view field) { return read<std::uint16_t>(field); }
  std::uint32_t u32(std::string_view field) { return read<std::uint32_t>(field); }
  std::uint64_t u64(std::string_view field) { return read<std::uint64_t>(field); }

  // The next n bytes; throws when fewer remain.
  std::span<const std::byte> take(std::uint64_t n, std::string_view field);
  std::string_view take_string(std::uint64_t n, std::string_view field);
  void seek(std::uint64_t offset, std::string_view field);

  // Throws input_error(what) at `offset` (default: the cursor), naming the file and `field`.
  [[noreturn]] void fail(const std::string& what, std::string_view field) const;
  [[noreturn]] void fail_at(std::uint64_t offset, const std::string& what,
                            std::string_view field) const;

 private:
  std::span<const std::byte> bytes_;
  std::string source_;
  std::uint64_t offset_ = 0;
};

}  // namespace molt::formats
