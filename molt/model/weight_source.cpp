#include "molt/model/weight_source.h"

#include "molt/base/error.h"

namespace molt::model {
namespace fs = std::filesystem;

SafetensorsWeightSource::SafetensorsWeightSource(const fs::path& path) : checkpoint_(path) {}

std::optional<StoredTensorInfo> SafetensorsWeightSource::find(std::string_view stored_name) const {
  const formats::SafetensorsTensorInfo* info = checkpoint_.find(stored_name);
  if (info == nullptr) return std::nullopt;
  const formats::SafetensorsFile* file = checkpoint_.file_of(stored_name);
  return StoredTensorInfo{info->dtype, info->shape, file == nullptr ? source() : file->path()};
}

tensor::Tensor SafetensorsWeightSource::tensor(std::string_view stored_name) const {
  return checkpoint_.tensor(stored_name);
}

std::vector<WeightFile> SafetensorsWeightSource::files() const {
  std::vector<WeightFile> out;
  for (const formats::SafetensorsFile& f : checkpoint_.files()) out.push_back({f.path(), f.file_bytes()});
  return out;
}

std::unique_ptr<WeightSource> open_weights(const fs::path& folder) {
  std::error_code ec;
  if (fs::exists(folder / formats::SafetensorsCheckpoint::kSingleFile, ec) ||
      fs::exists(folder / formats::SafetensorsCheckpoint::kIndexFile, ec)) {
    return std::make_unique<SafetensorsWeightSource>(folder);
  }
  for (const char* other : {"pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5",
                            "flax_model.msgpack"}) {
    if (fs::exists(folder / other, ec)) {
      throw input_error(std::string("the model's weights are only in ") + other +
                            "; molt reads safetensors (convert them with safetensors.torch.save_file, "
                            "or pull the repository's model.safetensors)",
                        {.file = (folder / other).string()});
    }
  }
  throw not_found_error("no model weights (model.safetensors) in the model folder",
                        {.file = folder.string()});
}

}  // namespace molt::model
