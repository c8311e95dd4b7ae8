#include "molt/layers/feed_forward.h"

namespace molt::layers {

FeedForward FeedForward::load(const Parameters& params, const std::string& up, const std::string& down,
                              std::size_t hidden, std::size_t inner, compute::Activation act, bool up_bias,
                              bool down_bias) {
  FeedForward f;
  f.up_ = Linear::load(params, up, hidden, inner, up_bias);
  f.down_ = Linear::load(params, down, inner, hidden, down_bias);
  f.act_ = act;
  return f;
}

void FeedForward::forward(const compute::Context& ctx, compute::ConstMatrixView x, tensor::Workspace& ws,
                          compute::MatrixView out, const LayerNorm* add_norm) const {
  const std::size_t inner = up_.out_features();
  const tensor::Workspace::Scope scratch(ws);
  const compute::MatrixView h(ws.floats(x.rows * inner).data(), x.rows, inner);  // f32 [n, inner]
  up_.forward(ctx, x, h, act_);
  if (add_norm != nullptr) {
    down_.forward_add_norm(ctx, h, x, *add_norm, out);
  } else {
    down_.forward(ctx, h, out);
  }
}

}  // namespace molt::layers
