#include "molt/layers/self_attention.h"

#include <cmath>

namespace molt::layers {

SelfAttention SelfAttention::load(const Parameters& params, const SelfAttentionNames& names,
                                  std::size_t hidden, std::size_t n_heads, bool bias) {
  MOLT_CHECK(n_heads > 0 && hidden % n_heads == 0);
  SelfAttention a;
  const Linear parts[] = {Linear::load(params, names.query, hidden, hidden, bias),
                          Linear::load(params, names.key, hidden, hidden, bias),
                          Linear::load(params, names.value, hidden, hidden, bias)};
  a.qkv_ = Linear::concat_outputs(parts);
  a.output_ = Linear::load(params, names.output, hidden, hidden, bias);
  a.n_heads_ = n_heads;
  a.head_dim_ = hidden / n_heads;
  return a;
}

SelfAttention SelfAttention::load_fused(const Parameters& params, const std::string& qkv,
                                        const std::string& output, std::size_t hidden, std::size_t n_heads,
                                        bool bias) {
  MOLT_CHECK(n_heads > 0 && hidden % n_heads == 0);
  SelfAttention a;
  a.qkv_ = Linear::load(params, qkv, hidden, 3 * hidden, bias);
  a.output_ = Linear::load(params, output, hidden, hidden, bias);
  a.n_heads_ = n_heads;
  a.head_dim_ = hidden / n_heads;
  return a;
}

void SelfAttention::forward(const compute::Context& ctx, compute::ConstMatrixView x,
                            std::span<const std::uint32_t> offsets, tensor::Workspace& ws,
                            compute::MatrixView out, const LayerNorm* add_norm,
                            const compute::RotaryTable* rotary) const {
  const std::size_t n = x.rows, hidden = n_heads_ * head_dim_;
  const tensor::Workspace::Scope scratch(ws);  // q, k, v and the context, for this call only
  // q, k and v side by side in one f32 [n, 3·hidden] matrix.
  const compute::MatrixView qkv(ws.floats(n * 3 * hidden).data(), n, 3 * hidden);
  qkv_.forward(ctx, x, qkv);
  if (rotary != nullptr) {
    compute::rotary(ctx, qkv.col_block(0, hidden), offsets, n_heads_, *rotary);
    compute::rotary(ctx, qkv.col_block(hidden, hidden), offsets, n_heads_, *rotary);
  }
  const compute::MatrixView context(ws.floats(n * hidden).data(), n, hidden);  // f32 [n, hidden]
  compute::AttentionArgs args;
  args.q = qkv.col_block(0, hidden);
  args.k = qkv.col_block(hidden, hidden);
  args.v = qkv.col_block(2 * hidden, hidden);
  args.out = context;
  args.offsets = offsets;
  args.n_heads = n_heads_;
  args.head_dim = head_dim_;
  args.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim_)));
  compute::attention(ctx, args, ws);
  if (add_norm != nullptr) {
    output_.forward_add_norm(ctx, context, x, *add_norm, out);
  } else {
    output_.forward(ctx, context, out);
  }
}

double SelfAttention::projection_macs_per_token() const {
  return qkv_.macs_per_token() + output_.macs_per_token();
}

double SelfAttention::attention_macs(std::size_t length) const {
  // q·kᵀ and p·v: 2 · length² · head_dim per head.
  const auto l = static_cast<double>(length);
  return 2.0 * l * l * static_cast<double>(head_dim_ * n_heads_);
}

}  // namespace molt::layers
