// Linear: PyTorch's nn.Linear over packed tokens, y = act(x · Wᵀ + b), with the activation
// that follows it fused into the same pass.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/layer_norm.h"
#include "molt/layers/parameters.h"

namespace molt::layers {

class Linear {
 public:
  Linear() = default;
  // "<prefix>.weight" [out, in] and, with a bias, "<prefix>.bias" [out].
  static Linear load(const Parameters& params, const std::string& prefix, std::size_t in,
                     std::size_t out, bool bias = true);

  std::size_t in_features() const { return weight_.cols(); }
  std::size_t out_features() const { return weight_.rows(); }

  // Several layers reading the same input as one: their outputs side by side, in order
  // ([q | k | v] from one product). Every part has the same in_features and all or none a bias.
  static Linear concat_outputs(std::span<const Linear> parts);

  // y f32 [n, out] = act(x f32 [n, in] · Wᵀ + b). y must not overlap x.
  void forward(const compute::Context& ctx, compute::ConstMatrixView x, compute::MatrixView y,
               compute::Activation act = compute::Activation::kIdentity) const;

  // y f32 [n, out] = norm(x · Wᵀ + b + residual): the end of a post-norm block in one pass
  // (compute::linear_add_layer_norm). y must not overlap x or residual.
  void forward_add_norm(const compute::Context& ctx, compute::ConstMatrixView x, compute::ConstMatrixView residual,
                        const LayerNorm& norm, compute::MatrixView y) const;

  // Multiply-adds per token.
  double macs_per_token() const {
    return static_cast<double>(in_features()) * static_cast<double>(out_features());
  }

 private:
  compute::Weight weight_;
  std::optional<compute::Weight> bias_;
};

}  // namespace molt::layers
