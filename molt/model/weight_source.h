// WeightSource: where a model's tensors come from, by the names the file stores them under.
// A safetensors checkpoint (one file or shards) today; a GGUF file is the next source, so
// architectures never touch a file format directly: they ask a WeightMap (weight_map.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/formats/safetensors_checkpoint.h"
#include "molt/tensor/tensor.h"

namespace molt::model {

// One file of a model's weights, mapped.
struct WeightFile {
  std::string path;
  std::span<const std::byte> bytes;
};

struct StoredTensorInfo {
  tensor::DType dtype = tensor::DType::kF32;
  tensor::Shape shape;
  std::string file;  // the file holding it, for error messages
};

// Immutable after construction; safe to share across threads. Tensors are views that stay
// valid while the source lives.
class WeightSource {
 public:
  virtual ~WeightSource() = default;

  // The file (or index) the weights were read from, for error messages.
  virtual const std::string& source() const = 0;
  virtual std::string format() const = 0;  // "safetensors", "gguf"
  virtual std::optional<StoredTensorInfo> find(std::string_view stored_name) const = 0;
  // A view; throws not_found_error naming the file and tensor when absent.
  virtual tensor::Tensor tensor(std::string_view stored_name) const = 0;
  virtual std::vector<std::string> names() const = 0;
  // The weight files themselves, for the model's identity hash: every byte of each.
  virtual std::vector<WeightFile> files() const = 0;
};

class SafetensorsWeightSource final : public WeightSource {
 public:
  // `path`: a folder (model.safetensors, else model.safetensors.index.json), a .safetensors
  // file or an index. Throws not_found_error / input_error as SafetensorsCheckpoint does.
  explicit SafetensorsWeightSource(const std::filesystem::path& path);

  const std::string& source() const override { return checkpoint_.source(); }
  std::string format() const override { return "safetensors"; }
  std::optional<StoredTensorInfo> find(std::string_view stored_name) const override;
  tensor::Tensor tensor(std::string_view stored_name) const override;
  std::vector<std::string> names() const override { return checkpoint_.tensor_names(); }
  std::vector<WeightFile> files() const override;

 private:
  formats::SafetensorsCheckpoint checkpoint_;
};

// The weights of the model folder `folder`: its safetensors checkpoint. A folder with only
// pytorch_model.bin (or TensorFlow / Flax weights) is refused with a hint to convert, since
// molt never unpickles.
std::unique_ptr<WeightSource> open_weights(const std::filesystem::path& folder);

}  // namespace molt::model
