#include "molt/model/gguf_weight_source.h"

namespace molt::model {

GgufWeightSource::GgufWeightSource(const std::filesystem::path& path) : file_(path) {}

std::optional<StoredTensorInfo> GgufWeightSource::find(std::string_view stored_name) const {
  const formats::GgufTensorInfo* info = file_.find(stored_name);
  if (info == nullptr) return std::nullopt;
  return StoredTensorInfo{info->dtype, info->shape, file_.path()};
}

std::vector<std::string> GgufWeightSource::names() const {
  std::vector<std::string> out;
  out.reserve(file_.tensors().size());
  for (const formats::GgufTensorInfo& info : file_.tensors()) out.push_back(info.name);
  return out;
}

std::vector<WeightFile> GgufWeightSource::files() const {
  // The whole file: metadata (hyper-parameters, vocabulary) decides the vectors as much as
  // the tensors do.
  return {WeightFile{file_.path(), file_.bytes()}};
}

}  // namespace molt::model
