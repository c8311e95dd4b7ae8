// SelfAttention: multi-head self-attention over packed sequences that each attend to
// themselves only, with separate query, key and value projections (transformers'
// BertSelfAttention + BertSelfOutput.dense) or one fused qkv projection (nomic-bert's Wqkv,
// rows q, k, v), optionally rotary position embeddings on q and k. Scores are scaled by
// 1/√head_dim. Separate projections are loaded as one product [q | k | v] too (one pass over
// the input instead of three).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/layer_norm.h"
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
  // Four Linear layers [hidden, hidden], with biases unless `bias` is false.
  static SelfAttention load(const Parameters& params, const SelfAttentionNames& names,
                            std::size_t hidden, std::size_t n_heads, bool bias = true);
  // One projection "<qkv>" [3·hidden, hidden] whose rows are q, k and v, then "<output>"
  // [hidden, hidden]; both with biases unless `bias` is false.
  static SelfAttention load_fused(const Parameters& params, const std::string& qkv, const std::string& output,
                                  std::size_t hidden, std::size_t n_heads, bool bias = true);

  // out f32 [n_tokens, hidden] = output(attention(q(x), k(x), v(x))), with `rotary` applied
  // to q and k when given (its table covering the longest sequence); with add_norm,
  // add_norm(x + output(...)) — a post-norm block's residual and layer norm fused into the
  // output projection. Scratch from `ws`, given back on return. out must not overlap x.
  void forward(const compute::Context& ctx, compute::ConstMatrixView x,
               std::span<const std::uint32_t> offsets, tensor::Workspace& ws,
               compute::MatrixView out, const LayerNorm* add_norm = nullptr,
               const compute::RotaryTable* rotary = nullptr) const;

  std::size_t n_heads() const { return n_heads_; }
  std::size_t head_dim() const { return head_dim_; }
  // Multiply-adds of the projections per token, and of the attention itself for one sequence.
  double projection_macs_per_token() const;
  double attention_macs(std::size_t length) const;

 private:
  Linear qkv_;  // [3·hidden, hidden]: query, key, value
  Linear output_;
  std::size_t n_heads_ = 0;
  std::size_t head_dim_ = 0;
};

}  // namespace molt::layers
