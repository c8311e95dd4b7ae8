#include "molt/formats/byte_reader.h"

#include <utility>

#include "molt/base/error.h"

namespace molt::formats {

ByteReader::ByteReader(std::span<const std::byte> bytes, std::string source)
    : bytes_(bytes), source_(std::move(source)) {}

std::span<const std::byte> ByteReader::take(std::uint64_t n, std::string_view field) {
  if (n > remaining()) {
    fail("file ends early: " + std::to_string(n) + " bytes needed, " +
             std::to_string(remaining()) + " left (truncated, or a length field is wrong)",
         field);
  }
  const auto out = bytes_.subspan(static_cast<std::size_t>(offset_), static_cast<std::size_t>(n));
  offset_ += n;
  return out;
}

std::string_view ByteReader::take_string(std::uint64_t n, std::string_view field) {
  const auto bytes = take(n, field);
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void ByteReader::seek(std::uint64_t offset, std::string_view field) {
  if (offset > size()) {
    fail_at(offset, "offset " + std::to_string(offset) + " is past the end of the file (" +
                        std::to_string(size()) + " bytes)",
            field);
  }
  offset_ = offset;
}

void ByteReader::fail(const std::string& what, std::string_view field) const {
  fail_at(offset_, what, field);
}

void ByteReader::fail_at(std::uint64_t offset, const std::string& what,
                         std::string_view field) const {
  throw input_error(what, {.file = source_, .offset = offset, .field = std::string(field)});
}

}  // namespace molt::formats
