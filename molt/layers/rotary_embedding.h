// RotaryEmbedding: rotary position embeddings (RoFormer; GPT-NeoX and GPT-J layouts), as
// nomic-bert's NomicBertRotaryEmbedding computes them: inverse frequencies
// 1 / base^(2i / rotary_dim) and the angles position · inv_freq in float32, cos and sin of
// those. Positions are unbounded; a table covers the longest sequence of a batch.
#pragma once

#include <cstddef>
#include <vector>

#include "molt/compute/ops.h"
#include "molt/tensor/workspace.h"

namespace molt::layers {

struct RotaryConfig {
  std::size_t head_dim = 0;
  std::size_t rotary_dim = 0;  // the leading values of each head that rotate: even, <= head_dim
  double base = 10000.0;
  bool interleaved = false;    // rotate (2i, 2i + 1) instead of (i, i + rotary_dim / 2)
};

class RotaryEmbedding {
 public:
  RotaryEmbedding() = default;
  explicit RotaryEmbedding(const RotaryConfig& config);

  const RotaryConfig& config() const { return config_; }

  // cos and sin for positions [0, n_positions), f32 [n_positions, rotary_dim / 2] each, in
  // `ws` (valid until the caller's scope gives them back).
  compute::RotaryTable table(std::size_t n_positions, tensor::Workspace& ws) const;

 private:
  RotaryConfig config_;
  std::vector<float> inv_freq_;  // [rotary_dim / 2]
};

}  // namespace molt::layers
