// SelfAttention: multi-head self-attention with separate query, key, value and output
// projections (transformers' BertSelfAttention + BertSelfOutput.dense), over packed
// sequences that each attend to themselves only. Scores are scaled by 1/√head_dim.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/linear.h"
#include "molt/tensor/workspace.h"

namespace molt::layers {

struct SelfAttentionNames {
  std::string query;   // prefixes of Linear layers, e.g. "encoder.layer.0.attention.self.query"
  std::string key;
  std::string value;
  std::string output;
};

class SelfAttention {
 public:
  SelfAttention() = default;
  static SelfAttention load(const Parameters& params, const SelfAttentionNames& names,
                            std::size_t hidden, std::size_t n_heads);

  // out f32 [n_tokens, hidden] = output(attention(q(x), k(x), v(x))). Scratch from `ws`,
  // given back on return.
  void forward(const compute::Context& ctx, compute::ConstMatrixView x,
               std::span<const std::uint32_t> offsets, tensor::Workspace& ws,
               compute::MatrixView out) const;

  std::size_t n_heads() const { return n_heads_; }
  std::size_t head_dim() const { return head_dim_; }
  // Multiply-adds of the projections per token, and of the attention itself for one sequence.
  double projection_macs_per_token() const;
  double attention_macs(std::size_t length) const;

 private:
  Linear query_, key_, value_, output_;
  std::size_t n_heads_ = 0;
  std::size_t head_dim_ = 0;
};

}  // namespace molt::layers
