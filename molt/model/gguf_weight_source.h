// GgufWeightSource: a model's tensors from a GGUF file (llama.cpp's format), memory-mapped
// and validated by formats::GgufFile, under the names llama.cpp's converter gives them
// ("blk.0.attn_qkv.weight"). Architectures reach them through a WeightMap whose renaming is
// a GgufTensorNames table (gguf_tensor_names.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/formats/gguf.h"
#include "molt/model/weight_source.h"

namespace molt::model {

class GgufWeightSource final : public WeightSource {
 public:
  // Maps and validates the file. Throws not_found_error / input_error as GgufFile does.
  explicit GgufWeightSource(const std::filesystem::path& path);

  const formats::GgufFile& file() const { return file_; }
  const formats::GgufMetadata& metadata() const { return file_.metadata(); }

  const std::string& source() const override { return file_.path(); }
  std::string format() const override { return "gguf"; }
  std::optional<StoredTensorInfo> find(std::string_view stored_name) const override;
  tensor::Tensor tensor(std::string_view stored_name) const override { return file_.tensor(stored_name); }
  std::vector<std::string> names() const override;
  std::vector<WeightFile> files() const override;

 private:
  formats::GgufFile file_;
};

}  // namespace molt::model
