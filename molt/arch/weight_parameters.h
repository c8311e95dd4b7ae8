// WeightParameters: layers::Parameters over a model's weight files, through a
// model::WeightMap (canonical names → stored names). Conversion failures name the file and
// the stored tensor. The run's precision will be applied here when it is more than f32.
#pragma once

#include <string>

#include "molt/layers/parameters.h"
#include "molt/model/weight_map.h"

namespace molt::arch {

class WeightParameters final : public layers::Parameters {
 public:
  explicit WeightParameters(model::WeightMap map) : map_(std::move(map)) {}

  compute::Weight dense(const std::string& name, const tensor::Shape& shape) const override;
  compute::Weight table(const std::string& name, const tensor::Shape& shape) const override;
  bool contains(const std::string& name) const override { return map_.contains(name); }

  const model::WeightMap& map() const { return map_; }

 private:
  model::WeightMap map_;
};

}  // namespace molt::arch
