// NumPy's .npy format: "\x93NUMPY", a version (1.0, 2.0 or 3.0), a header length (u16 for
// 1.0, u32 after), a Python-literal dict {'descr', 'fortran_order', 'shape'}, then the
// array's bytes. molt reads little-endian float arrays ('<f4', '<f2', '<f8') in C order as
// float32, and writes '<f4' C-order arrays.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "molt/tensor/tensor.h"

namespace molt::formats {

struct NpyHeader {
  int major = 1;
  int minor = 0;
  std::string descr;            // NumPy's dtype string, e.g. "<f4"
  bool fortran_order = false;
  tensor::Shape shape;          // as written (outermost first in C order)
  std::uint64_t data_offset = 0;
  // Bytes per element for simple dtypes ('b', 'i', 'u', 'f', 'c', '?' kinds with an item
  // size); nullopt for structured, string and date types.
  std::optional<std::uint64_t> item_size;
};

// Parses and validates the header of the .npy bytes in `file` (`source` names it in
// errors): magic, version, header length, the dict's syntax and its three keys, shape
// dimensions and their product. Does not judge the dtype. Throws input_error.
NpyHeader parse_npy_header(std::span<const std::byte> file, const std::string& source);

// Reads a whole .npy as an owning F32 tensor of its shape. Accepts '<f4', '<f2' (exact) and
// '<f8' (rounded to nearest); C order only. The data must be exactly shape × item size
// bytes. Errors name the file and the problem (dtype, order, size).
tensor::Tensor read_npy(std::span<const std::byte> file, const std::string& source);
tensor::Tensor read_npy_file(const std::filesystem::path& path);

// The header (magic to the final newline) of a '<f4' C-order array of `shape`, padded to a
// multiple of 64 bytes as NumPy pads it; version 1.0, or 2.0 if the dict needs it.
std::string npy_header_f32(std::span<const std::int64_t> shape);
// A complete '<f4' .npy file: header + values (values.size() = shape's element count).
std::string encode_npy_f32(std::span<const std::int64_t> shape, std::span<const float> values);
// Writes encode_npy_f32() to `path` atomically (nothing appears there unless complete).
void write_npy_f32(const std::filesystem::path& path, std::span<const std::int64_t> shape,
                   std::span<const float> values);

}  // namespace molt::formats
