#include "molt/layers/layer_norm.h"

namespace molt::layers {

LayerNorm LayerNorm::load(const Parameters& params, const std::string& prefix, std::size_t width,
                          float eps) {
  LayerNorm ln;
  const auto w = static_cast<std::int64_t>(width);
  ln.gamma_ = params.dense(prefix + ".weight", {w});
  ln.beta_ = params.dense(prefix + ".bias", {w});
  ln.eps_ = eps;
  return ln;
}

void LayerNorm::forward(const compute::Context& ctx, compute::MatrixView x,
                        compute::ConstMatrixView residual) const {
  compute::add_layer_norm(ctx, x, residual, gamma_, beta_, eps_);
}

}  // namespace molt::layers
