// FeedForward: the position-wise MLP of post-norm encoders (transformers' BertIntermediate +
// BertOutput.dense): down(act(up(x))).
#pragma once

#include <cstddef>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/layer_norm.h"
#include "molt/layers/linear.h"
#include "molt/tensor/workspace.h"

namespace molt::layers {

class FeedForward {
 public:
  FeedForward() = default;
  // up: "<up>" [inner, hidden]; down: "<down>" [hidden, inner]; each with its bias unless
  // told otherwise.
  static FeedForward load(const Parameters& params, const std::string& up, const std::string& down,
                          std::size_t hidden, std::size_t inner, compute::Activation act,
                          bool up_bias = true, bool down_bias = true);

  // out f32 [n, hidden] = down(act(up(x))), or with add_norm, add_norm(x + down(...)) — a
  // post-norm block's residual and layer norm fused into the down projection. The inner
  // activations come from `ws` and are given back on return. out must not overlap x.
  void forward(const compute::Context& ctx, compute::ConstMatrixView x, tensor::Workspace& ws,
               compute::MatrixView out, const LayerNorm* add_norm = nullptr) const;

  double macs_per_token() const { return up_.macs_per_token() + down_.macs_per_token(); }

 private:
  Linear up_, down_;
  compute::Activation act_ = compute::Activation::kGeluErf;
};

}  // namespace molt::layers
