// Reader of llama.cpp's GGUF files, versions 2 and 3: header, metadata key/values, tensor
// infos, alignment, and the memory-mapped data section. Tensors are views into the map.
//
// Layout (little-endian): "GGUF", u32 version, u64 n_tensors, u64 n_kv, n_kv × (string key,
// u32 type, value), n_tensors × (string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type,
// u64 offset), padding to general.alignment (default 32), data. A string is a u64 length
// and that many bytes; an array is a u32 element type, a u64 count and the elements.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/mapped_file.h"
#include "molt/formats/gguf_metadata.h"
#include "molt/tensor/tensor.h"

namespace molt::formats {

struct GgufTensorInfo {
  std::string name;
  std::uint32_t ggml_type = 0;  // GGUF's tensor type id
  tensor::DType dtype = tensor::DType::kF32;
  tensor::Shape shape;          // row-major: ggml's ne[] reversed (ne[0] is the last dimension)
  std::uint64_t offset = 0;     // from the start of the data section; a multiple of the alignment
  std::uint64_t n_bytes = 0;
};

struct GgufHeader {
  static constexpr std::uint32_t kDefaultAlignment = 32;
  static constexpr std::uint32_t kMaxDims = 4;         // GGML_MAX_DIMS
  static constexpr int kMaxArrayDepth = 8;             // arrays of arrays of ...

  std::uint32_t version = 0;
  std::uint32_t alignment = kDefaultAlignment;  // general.alignment
  GgufMetadata metadata;
  std::vector<GgufTensorInfo> tensors;          // in file order
  std::map<std::string, std::size_t, std::less<>> by_name;  // name → index in tensors
  std::uint64_t data_offset = 0;                // absolute start of the data section

  const GgufTensorInfo* find(std::string_view name) const;
};

// Parses and validates a whole GGUF file held in `file` (`source` names it in errors):
// magic; version 2 or 3 (others refused by number, big-endian files by name); counts that
// the remaining bytes can hold; every metadata value type including nested arrays (depth
// at most 8); no duplicate keys or tensor names; general.alignment a u32 power of two; at
// most 4 dimensions; known tensor types whose block size divides ne[0]; sizes without
// overflow; offsets aligned, inside the file and not overlapping. Throws input_error naming
// the file, the field (metadata key or tensor_infos[i]...), the tensor and the offset.
GgufHeader parse_gguf(std::span<const std::byte> file, const std::string& source);

// A memory-mapped, validated GGUF file. Tensor views stay valid for the object's lifetime,
// moves included. Immutable after construction; safe to share across threads.
class GgufFile {
 public:
  explicit GgufFile(const std::filesystem::path& path);

  const std::string& path() const { return map_.path(); }
  std::uint64_t file_size() const { return map_.size(); }
  std::span<const std::byte> bytes() const { return map_.bytes(); }  // the whole file
  const GgufHeader& header() const { return header_; }
  std::uint32_t version() const { return header_.version; }
  const GgufMetadata& metadata() const { return header_.metadata; }
  const std::vector<GgufTensorInfo>& tensors() const { return header_.tensors; }
  const GgufTensorInfo* find(std::string_view name) const { return header_.find(name); }

  std::span<const std::byte> data(const GgufTensorInfo& info) const;
  // A view; throws not_found_error naming the file and the tensor.
  tensor::Tensor tensor(std::string_view name) const;
  tensor::Tensor tensor(const GgufTensorInfo& info) const;
  // The tensor as F32: a view of the map when stored as (aligned) F32, otherwise an owning
  // converted copy (widened or dequantized). Errors name the file and the tensor.
  tensor::Tensor tensor_f32(std::string_view name) const;

 private:
  MappedFile map_;
  GgufHeader header_;
};

}  // namespace molt::formats
