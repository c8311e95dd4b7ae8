// The byte layout VectorIndex::save() writes: a common header (magic, kind, dimension,
// metric, spec) then each kind's payload, all little-endian. Only molt reads it back, from
// files whose checksum the store verified; parsing is still bounds-checked.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "molt/formats/byte_reader.h"
#include "molt/index/vector_index.h"

namespace molt::index {

inline constexpr std::string_view kIndexMagic = "MOLTVIX1";

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <class T>
void put_array(std::string& out, std::span<const T> values) {
  put<std::uint64_t>(out, values.size());
  out.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void put_string(std::string& out, std::string_view s);

// Writes the common header of an index of this spec, dimension and metric.
void put_index_header(std::string& out, const IndexSpec& spec, std::size_t dim, Metric metric);

// Reads an array that put_array() wrote, checking its length against the bytes left.
template <class T>
std::vector<T> get_array(formats::ByteReader& in, std::string_view field) {
  const std::uint64_t n = in.u64(field);
  if (n > in.remaining() / sizeof(T)) in.fail("array length " + std::to_string(n) + " exceeds the data", field);
  std::vector<T> values(n);
  const auto bytes = in.take(n * sizeof(T), field);
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

std::string get_string(formats::ByteReader& in, std::string_view field);

}  // namespace molt::index
