// Parameters: how a layer gets its weights — by canonical name (transformers' names, e.g.
// "encoder.layer.0.attention.self.query.weight"), checked against the shape the model's
// configuration implies. Architectures implement it over the model's weight files (with the
// file's own naming mapped away); tests implement it over tensors in memory.
#pragma once

#include <string>

#include "molt/compute/weight.h"
#include "molt/tensor/shape.h"

namespace molt::layers {

class Parameters {
 public:
  virtual ~Parameters() = default;

  // A parameter for products and element-wise use (compute::Weight::dense). Throws
  // input_error naming the file and tensor when it is missing, has another shape, or a dtype
  // that does not convert to f32.
  virtual compute::Weight dense(const std::string& name, const tensor::Shape& shape) const = 0;
  // A lookup table (compute::Weight::table). Same errors.
  virtual compute::Weight table(const std::string& name, const tensor::Shape& shape) const = 0;
  virtual bool contains(const std::string& name) const = 0;
};

}  // namespace molt::layers
