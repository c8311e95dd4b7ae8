// inspect_file: one JSON object describing a .safetensors, safetensors index, .gguf, .npy or
// .npz file — its format, version, metadata and tensors with dtype, shape and byte ranges —
// after the same validation the readers apply. What `molt inspect` prints.
#pragma once

#include <cstddef>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace molt::formats {

struct InspectOptions {
  // GGUF metadata arrays longer than this show only their first elements (with
  // "truncated": true); 0 shows every element.
  std::size_t max_array_elements = 16;
};

// The format is recognized by the file's first bytes (GGUF, \x93NUMPY, a zip archive), a
// ".json" name for a safetensors index, and safetensors otherwise. Throws what the readers
// throw (input_error naming the file and the tensor or field), usage_error for a folder.
nlohmann::json inspect_file(const std::filesystem::path& path, const InspectOptions& options = {});

}  // namespace molt::formats
