#include "molt/layers/gated_feed_forward.h"

namespace molt::layers {

GatedFeedForward GatedFeedForward::load(const Parameters& params, const GatedFeedForwardNames& names,
                                        std::size_t hidden, std::size_t inner, compute::Activation act,
                                        bool up_bias, bool down_bias) {
  GatedFeedForward f;
  f.up_ = Linear::load(params, names.up, hidden, inner, up_bias);
  f.gate_ = Linear::load(params, names.gate, hidden, inner, up_bias);
  f.down_ = Linear::load(params, names.down, inner, hidden, down_bias);
  f.act_ = act;
  return f;
}

void GatedFeedForward::forward(const compute::Context& ctx, compute::ConstMatrixView x, tensor::Workspace& ws,
                               compute::MatrixView out) const {
  const std::size_t inner = up_.out_features();
  const tensor::Workspace::Scope scratch(ws);
  const compute::MatrixView up(ws.floats(x.rows * inner).data(), x.rows, inner);    // f32 [n, inner]
  const compute::MatrixView gate(ws.floats(x.rows * inner).data(), x.rows, inner);  // f32 [n, inner]
  up_.forward(ctx, x, up);
  gate_.forward(ctx, x, gate);
  compute::gated_activation(ctx, up, gate, act_);
  down_.forward(ctx, up, out);
}

}  // namespace molt::layers
