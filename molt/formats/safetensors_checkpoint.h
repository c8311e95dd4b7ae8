// SafetensorsCheckpoint: a model's weights as transformers loads them — one
// model.safetensors, or shards listed by model.safetensors.index.json ("weight_map":
// tensor name → shard file) — behind one lookup by tensor name.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "molt/formats/safetensors.h"
#include "molt/tensor/tensor.h"

namespace molt::formats {

class SafetensorsCheckpoint {
 public:
  static constexpr const char* kSingleFile = "model.safetensors";
  static constexpr const char* kIndexFile = "model.safetensors.index.json";

  // `path` is a .safetensors file, an index .json, or a folder holding model.safetensors
  // (preferred, as transformers prefers it) or model.safetensors.index.json. Every shard is
  // mapped and validated. For an index: shard names must be plain file names beside it;
  // every weight_map entry must name a tensor its shard holds; a tensor may live in only
  // one shard. Throws not_found_error when there is nothing to load, input_error otherwise.
  explicit SafetensorsCheckpoint(const std::filesystem::path& path);

  // The index file, or the single .safetensors file.
  const std::string& source() const { return source_; }
  const std::vector<SafetensorsFile>& files() const { return files_; }
  std::size_t n_tensors() const { return by_name_.size(); }
  // Every tensor name, sorted.
  std::vector<std::string> tensor_names() const;

  const SafetensorsTensorInfo* find(std::string_view name) const;
  // The shard holding `name`, or nullptr.
  const SafetensorsFile* file_of(std::string_view name) const;
  // A view into its shard; throws not_found_error naming the checkpoint and the tensor.
  tensor::Tensor tensor(std::string_view name) const;
  // SafetensorsFile::tensor_f32 in the shard holding `name`.
  tensor::Tensor tensor_f32(std::string_view name) const;

 private:
  void add_file(const std::filesystem::path& path);

  std::string source_;
  std::vector<SafetensorsFile> files_;
  // name → (index in files_, index in that file's tensors())
  std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> by_name_;
};

}  // namespace molt::formats
