#include "molt/layers/feed_forward.h"

namespace molt::layers {

FeedForward FeedForward::load(const Parameters& params, const std::string& up, const std::string& down,
                              std::size_t hidden, std::size_t inner, compute::Activation act) {
  FeedForward f;
  f.up_ = Linear::load(params, up, hidden, inner);
  f.down_ = Linear::load(params, down, inner, hidden);
  f.act_ = act;
  return f;
}

void FeedForward::forward(const compute::Context& ctx, compute::ConstMatrixView x, tensor::Workspace& ws,
                          compute::MatrixView out) const {
  const std::size_t inner = up_.out_features();
  const tensor::Workspace::Scope scratch(ws);
  const compute::MatrixView h(ws.floats(x.rows * inner).data(), x.rows, inner);  // f32 [n, inner]
  up_.forward(ctx, x, h, act_);
  down_.forward(ctx, h, out);
}

}  // namespace molt::layers
