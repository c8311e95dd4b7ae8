// LayerNorm: PyTorch's nn.LayerNorm over the last dimension, with the residual addition that
// precedes it in post-norm transformers fused in: x = LayerNorm(x + residual).
#pragma once

#include <cstddef>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/parameters.h"

namespace molt::layers {

class LayerNorm {
 public:
  LayerNorm() = default;
  // "<prefix>.weight" and "<prefix>.bias", both [width].
  static LayerNorm load(const Parameters& params, const std::string& prefix, std::size_t width,
                        float eps);

  // x f32 [n, width] = LayerNorm(x + residual); residual empty for a plain layer norm.
  void forward(const compute::Context& ctx, compute::MatrixView x,
               compute::ConstMatrixView residual = {}) const;

  // The parameters, for ops that fuse the norm into a preceding product
  // (compute::linear_add_layer_norm).
  const compute::Weight& gamma() const { return gamma_; }
  const compute::Weight& beta() const { return beta_; }
  float eps() const { return eps_; }

 private:
  compute::Weight gamma_;
  compute::Weight beta_;
  float eps_ = 1e-12f;
};

}  // namespace molt::layers
