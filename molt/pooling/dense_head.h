// DenseHead: sentence-transformers' Dense module on pooled sentence vectors,
// y = act(x · Wᵀ + b) (e.g. a 768 → 512 projection with Tanh).
#pragma once

#include <cstddef>
#include <optional>

#include "molt/compute/ops.h"
#include "molt/model/dense_module.h"

namespace molt::pooling {

class DenseHead {
 public:
  // The module's tensors (already shape-checked by model::load_dense_module). Throws
  // input_error naming the file and tensor when a dtype does not convert to f32.
  explicit DenseHead(const model::DenseModule& module);

  std::size_t in_features() const { return weight_.cols(); }
  std::size_t out_features() const { return weight_.rows(); }

  // y f32 [n, out] from x f32 [n, in].
  void forward(const compute::Context& ctx, compute::ConstMatrixView x, compute::MatrixView y) const;

 private:
  compute::Weight weight_;
  std::optional<compute::Weight> bias_;
  compute::Activation activation_ = compute::Activation::kTanh;
};

}  // namespace molt::pooling
