// Reader of Hugging Face's safetensors format: an 8-byte little-endian header length N, a
// JSON header of N bytes ({"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {}}),
// then the data section. The file is memory-mapped; tensors are views into it, never copies.
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
#include "molt/tensor/tensor.h"

namespace molt::formats {

struct SafetensorsTensorInfo {
  std::string name;
  tensor::DType dtype = tensor::DType::kF32;
  tensor::Shape shape;    // row-major, as the header writes it
  std::uint64_t begin = 0;  // byte range [begin, end) in the data section
  std::uint64_t end = 0;
};

struct SafetensorsHeader {
  // The safetensors library refuses headers over 100 MB; so does molt.
  static constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

  std::uint64_t header_size = 0;  // N, the JSON's length in bytes
  std::uint64_t data_offset = 0;  // 8 + N: where the data section begins in the file
  std::map<std::string, std::string> metadata;    // "__metadata__" (string → string)
  std::vector<SafetensorsTensorInfo> tensors;     // in data order (ascending offsets)
  std::map<std::string, std::size_t, std::less<>> by_name;  // name → index in tensors

  const SafetensorsTensorInfo* find(std::string_view name) const;
};

// Parses and validates a whole safetensors file held in `file` (`source` names it in
// errors). Checks, as the safetensors library does: the header length (8-byte LE, at most
// 100 MB, inside the file); a JSON object, no duplicate names; "__metadata__" a map of
// strings; each tensor's known dtype, non-negative shape and data_offsets [begin, end] with
// shape × dtype size = end - begin; ranges inside the data section, not overlapping, and
// together covering it exactly from 0 to its end. Throws input_error naming the file, the
// tensor and the offset.
SafetensorsHeader parse_safetensors(std::span<const std::byte> file, const std::string& source);

// A memory-mapped, validated safetensors file. Tensor views stay valid for the object's
// lifetime, moves included. Immutable after construction; safe to share across threads.
class SafetensorsFile {
 public:
  // Throws not_found / io errors for the file, input_error for its content.
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::string& path() const { return map_.path(); }
  std::uint64_t file_size() const { return map_.size(); }
  // The whole mapped file (header and data), e.g. to hash it.
  std::span<const std::byte> file_bytes() const { return map_.bytes(); }
  const SafetensorsHeader& header() const { return header_; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const std::vector<SafetensorsTensorInfo>& tensors() const { return header_.tensors; }
  const SafetensorsTensorInfo* find(std::string_view name) const { return header_.find(name); }

  // The tensor's bytes in the mapped file.
  std::span<const std::byte> data(const SafetensorsTensorInfo& info) const;
  // A view of the tensor; throws not_found_error naming the file and the tensor.
  tensor::Tensor tensor(std::string_view name) const;
  tensor::Tensor tensor(const SafetensorsTensorInfo& info) const;
  // The tensor as F32: a view of the map when stored as aligned F32, otherwise an owning
  // converted copy. Errors (a missing tensor, an integer dtype) name the file and tensor.
  tensor::Tensor tensor_f32(std::string_view name) const;

 private:
  MappedFile map_;
  SafetensorsHeader header_;
};

}  // namespace molt::formats
