// NumPy's .npz format: a zip archive of .npy members, one per named array, as numpy.savez
// (stored) and numpy.savez_compressed (deflated) write it. Reading accepts both; writing
// stores members uncompressed, with fixed timestamps so equal arrays give equal files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "molt/formats/npy.h"
#include "molt/tensor/tensor.h"

namespace molt::formats {

struct NpzMember {
  std::string name;             // the array's name: the member's file name without ".npy"
  std::string file_name;        // as stored in the archive
  bool compressed = false;      // deflated (savez_compressed) rather than stored
  std::uint64_t size = 0;       // uncompressed bytes
  std::uint64_t compressed_size = 0;
  NpyHeader header;             // parsed from the member's first bytes
};

// Lists the members with their .npy headers, reading only the headers. Every member must
// be a .npy file. Throws input_error naming the archive and the member.
std::vector<NpzMember> list_npz(const std::filesystem::path& path);

// Reads every member as an owning F32 tensor (read_npy's rules), in archive order.
std::vector<std::pair<std::string, tensor::Tensor>> read_npz(const std::filesystem::path& path);

// One array to write: its name (".npy" is appended), shape and float32 values.
struct NpzArray {
  std::string name;
  tensor::Shape shape;
  std::span<const float> values;
};

// Writes the arrays as an .npz of stored '<f4' members, atomically. Names must be unique,
// non-empty and free of '/' and '\'. Throws usage_error for bad names.
void write_npz_f32(const std::filesystem::path& path, std::span<const NpzArray> arrays);

}  // namespace molt::formats
