#include "molt/layers/linear.h"

#include <vector>

namespace molt::layers {

Linear Linear::load(const Parameters& params, const std::string& prefix, std::size_t in,
                    std::size_t out, bool bias) {
  Linear l;
  const auto o = static_cast<std::int64_t>(out), i = static_cast<std::int64_t>(in);
  l.weight_ = params.dense(prefix + ".weight", {o, i});
  if (bias) l.bias_ = params.dense(prefix + ".bias", {o});
  return l;
}

Linear Linear::concat_outputs(std::span<const Linear> parts) {
  MOLT_CHECK(!parts.empty());
  std::vector<const compute::Weight*> weights;
  std::vector<float> bias;
  for (const Linear& p : parts) {
    MOLT_CHECK(p.in_features() == parts.front().in_features() && p.bias_.has_value() == parts.front().bias_.has_value());
    weights.push_back(&p.weight_);
    if (p.bias_) bias.insert(bias.end(), p.bias_->f32_values().begin(), p.bias_->f32_values().end());
  }
  Linear l;
  l.weight_ = compute::Weight::concat_rows(weights);
  if (parts.front().bias_) {
    l.bias_ = compute::Weight::dense(tensor::Tensor::from_f32({static_cast<std::int64_t>(bias.size())}, bias));
  }
  return l;
}

void Linear::forward_add_norm(const compute::Context& ctx, compute::ConstMatrixView x, compute::ConstMatrixView residual,
                              const LayerNorm& norm, compute::MatrixView y) const {
  compute::linear_add_layer_norm(ctx, x, weight_, bias_ ? &*bias_ : nullptr, residual, norm.gamma(), norm.beta(),
                                 norm.eps(), y);
}

void Linear::forward(const compute::Context& ctx, compute::ConstMatrixView x, compute::MatrixView y,
                     compute::Activation act) const {
  compute::linear(ctx, x, weight_, bias_ ? &*bias_ : nullptr, y, act);
}

}  // namespace molt::layers
