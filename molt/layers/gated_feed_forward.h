// GatedFeedForward: the position-wise MLP of gated linear units — down(up(x) · act(gate(x)))
// — SwiGLU with silu (nomic-bert's NomciBertGatedMLP: fc11 = up, fc12 = gate, fc2 = down),
// GeGLU with gelu, GLU with sigmoid.
#pragma once

#include <cstddef>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/linear.h"
#include "molt/tensor/workspace.h"

namespace molt::layers {

struct GatedFeedForwardNames {
  std::string up;    // prefixes of Linear layers, e.g. "encoder.layers.0.mlp.fc11"
  std::string gate;
  std::string down;
};

class GatedFeedForward {
 public:
  GatedFeedForward() = default;
  // up and gate: [inner, hidden] (+ [inner] biases with up_bias); down: [hidden, inner]
  // (+ [hidden] with down_bias).
  static GatedFeedForward load(const Parameters& params, const GatedFeedForwardNames& names, std::size_t hidden,
                               std::size_t inner, compute::Activation act, bool up_bias, bool down_bias);

  // out f32 [n, hidden] = down(up(x) · act(gate(x))); the two inner activations come from `ws`
  // and are given back on return.
  void forward(const compute::Context& ctx, compute::ConstMatrixView x, tensor::Workspace& ws,
               compute::MatrixView out) const;

  double macs_per_token() const {
    return up_.macs_per_token() + gate_.macs_per_token() + down_.macs_per_token();
  }

 private:
  Linear up_, gate_, down_;
  compute::Activation act_ = compute::Activation::kSilu;
};

}  // namespace molt::layers
