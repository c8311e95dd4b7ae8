#include "molt/layers/linear.h"

namespace molt::layers {

Linear Linear::load(const Parameters& params, const std::string& prefix, std::size_t in,
                    std::size_t out, bool bias) {
  Linear l;
  const auto o = static_cast<std::int64_t>(out), i = static_cast<std::int64_t>(in);
  l.weight_ = params.dense(prefix + ".weight", {o, i});
  if (bias) l.bias_ = params.dense(prefix + ".bias", {o});
  return l;
}

void Linear::forward(const compute::Context& ctx, compute::ConstMatrixView x, compute::MatrixView y,
                     compute::Activation act) const {
  compute::linear(ctx, x, weight_, bias_ ? &*bias_ : nullptr, y, act);
}

}  // namespace molt::layers
