#include "molt/layers/rotary_embedding.h"

#include <cmath>

#include "molt/base/check.h"

namespace molt::layers {

RotaryEmbedding::RotaryEmbedding(const RotaryConfig& config) : config_(config) {
  MOLT_CHECK(config.rotary_dim % 2 == 0 && config.rotary_dim <= config.head_dim && config.base > 0.0);
  // In float32 as the reference's torch code: arange(0, dim, 2) / dim, base ** that, 1 / that.
  const auto base = static_cast<float>(config.base);
  const auto dim = static_cast<float>(config.rotary_dim);
  inv_freq_.resize(config.rotary_dim / 2);
  for (std::size_t i = 0; i < inv_freq_.size(); ++i) {
    const float exponent = static_cast<float>(2 * i) / dim;
    inv_freq_[i] = 1.0f / std::pow(base, exponent);
  }
}

compute::RotaryTable RotaryEmbedding::table(std::size_t n_positions, tensor::Workspace& ws) const {
  const std::size_t half = inv_freq_.size();
  const compute::MatrixView cos(ws.floats(n_positions * half).data(), n_positions, half);
  const compute::MatrixView sin(ws.floats(n_positions * half).data(), n_positions, half);
  for (std::size_t p = 0; p < n_positions; ++p) {
    for (std::size_t i = 0; i < half; ++i) {
      // The angle is a float32 product (torch.outer); its cosine and sine are rounded once.
      const float angle = static_cast<float>(p) * inv_freq_[i];
      cos.row(p)[i] = static_cast<float>(std::cos(static_cast<double>(angle)));
      sin.row(p)[i] = static_cast<float>(std::sin(static_cast<double>(angle)));
    }
  }
  compute::RotaryTable t;
  t.cos = cos;
  t.sin = sin;
  t.rotary_dim = config_.rotary_dim;
  t.interleaved = config_.interleaved;
  return t;
}

}  // namespace molt::layers
