#include "molt/model/weight_map.h"

#include "molt/base/error.h"
#include "molt/tensor/shape.h"

#include <utility>

namespace molt::model {

WeightMap::WeightMap(const WeightSource& source, Rename rename, std::string configuration)
    : source_(&source), rename_(std::move(rename)), configuration_(std::move(configuration)) {}

WeightMap WeightMap::with_prefixes(const WeightSource& source, const std::vector<std::string>& prefixes,
                                   std::string_view probe) {
  for (const std::string& prefix : prefixes) {
    if (source.find(prefix + std::string(probe))) {
      return WeightMap(source, [prefix](std::string_view name) { return prefix + std::string(name); });
    }
  }
  std::string tried;
  for (const std::string& prefix : prefixes) {
    if (!tried.empty()) tried += ", ";
    tried += prefix + std::string(probe);
  }
  throw input_error("missing tensor (looked for " + tried + ")",
                    {.file = source.source(), .tensor = std::string(probe)});
}

std::string WeightMap::stored_name(std::string_view canonical) const {
  std::string name = rename_(canonical);
  if (source_->find(name)) return name;
  for (const auto& [modern, legacy] : {std::pair{".weight", ".gamma"}, std::pair{".bias", ".beta"}}) {
    const std::string_view suffix = modern;
    if (!canonical.ends_with(suffix)) continue;
    std::string old = rename_(std::string(canonical.substr(0, canonical.size() - suffix.size())) + legacy);
    if (source_->find(old)) return old;
  }
  return name;
}

bool WeightMap::contains(std::string_view canonical) const {
  return source_->find(stored_name(canonical)).has_value();
}

tensor::Tensor WeightMap::require(std::string_view canonical, const tensor::Shape& shape) const {
  const std::string name = stored_name(canonical);
  const auto info = source_->find(name);
  if (!info) throw input_error("missing tensor", {.file = source_->source(), .tensor = name});
  if (info->shape != shape) {
    throw input_error("shape " + tensor::shape_string(info->shape) +
                          " disagrees with " + configuration_ + " (expected " + tensor::shape_string(shape) + ")",
                      {.file = info->file, .tensor = name});
  }
  return source_->tensor(name);
}

}  // namespace molt::model
