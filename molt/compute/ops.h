// The compute ops of molt's forward passes, each declared once. Every op checks its shapes
// (MOLT_CHECK: a mismatch is a bug in the caller, validated model shapes never cause one),
// splits its work across the Context's pool, and runs the Context's kernel table.
//
// Activations are f32 row-major matrices of packed tokens: the tokens of every sequence in
// a batch back to back, [n_tokens, width], with no padding anywhere. Sequence s is rows
// [offsets[s], offsets[s + 1]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "molt/compute/activation.h"
#include "molt/compute/context.h"
#include "molt/compute/matrix.h"
#include "molt/compute/weight.h"
#include "molt/tensor/workspace.h"

namespace molt::compute {

// y[m, n] = act(x[m, k] · w[n, k]ᵀ + bias[n]). bias may be null (no bias). y must not
// overlap x. The product is in ctx.precision (w is packed for it on first use); the work is
// cut into blocks of rows (and, for a few rows, of output columns) across the pool, and the
// bias and activation are applied to each block while it is still in cache.
void linear(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
            MatrixView y, Activation act = Activation::kIdentity);

// y[m, n] = LayerNorm(x · wᵀ + bias + residual) · gamma + beta: the end of a post-norm
// transformer block (output projection, residual addition, layer norm) in one pass over each
// block of rows. residual [m, n]; gamma, beta [n]. y must not overlap x or residual.
void linear_add_layer_norm(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
                           ConstMatrixView residual, const Weight& gamma, const Weight& beta, float eps,
                           MatrixView y);

// x = LayerNorm(x + residual) · gamma + beta, row by row. residual may be empty (plain layer
// norm); gamma, beta [x.cols].
void add_layer_norm(const Context& ctx, MatrixView x, ConstMatrixView residual,
                    const Weight& gamma, const Weight& beta, float eps);

// out[i] = table[rows[i]] (accumulate: out[i] += table[rows[i]]), rows widened to f32.
// Every index must be in [0, table.rows()) (validated by the caller).
void gather_rows(const Context& ctx, const Weight& table, std::span<const std::int32_t> rows,
                 MatrixView out, bool accumulate);

// Multi-head scaled dot-product self-attention over packed sequences, each sequence
// attending to itself only (no mask needed, no padding computed):
//   out_h = softmax(scale · q_h · k_hᵀ) · v_h   for every head h and sequence,
// where head h is columns [h·head_dim, (h+1)·head_dim) of q, k, v and out, all
// [n_tokens, n_heads · head_dim] (q, k, v may be column blocks of one fused matrix).
struct AttentionArgs {
  ConstMatrixView q;
  ConstMatrixView k;
  ConstMatrixView v;
  MatrixView out;
  std::span<const std::uint32_t> offsets;  // [n_seqs + 1], offsets[0] = 0, last = n_tokens
  std::size_t n_heads = 0;
  std::size_t head_dim = 0;
  float scale = 1.0f;
};
// One task per (sequence, head), each running the kernel table's attention_head in
// attention_precision(ctx.precision) with its worker's scratch (ctx.scratch); `ws` is not
// needed by the kernels of today and stays for callers' scopes.
void attention(const Context& ctx, const AttentionArgs& args, tensor::Workspace& ws);

// The angles of rotary position embeddings: row p holds cos and sin of p · inv_freq[i] for
// the rotary_dim / 2 frequencies; enough rows for the longest sequence of a batch.
struct RotaryTable {
  ConstMatrixView cos;  // f32 [n_positions, rotary_dim / 2]
  ConstMatrixView sin;  // f32 [n_positions, rotary_dim / 2]
  std::size_t rotary_dim = 0;  // leading values of each head that rotate; even, <= head_dim
  bool interleaved = false;    // pairs (2i, 2i + 1) (GPT-J) instead of (i, i + rotary_dim/2) (GPT-NeoX)
};

// Rotary position embedding, in place, on every head of x f32 [n_tokens, n_heads · head_dim]
// (q or k; may be a column block of a fused qkv matrix) for packed sequences: a token's
// position is its index in its own sequence (0 at each offsets[s]). The table needs a row
// for every position of the longest sequence.
void rotary(const Context& ctx, MatrixView x, std::span<const std::uint32_t> offsets, std::size_t n_heads,
            const RotaryTable& table);

// x = x · act(gate), element-wise, both [n, width]: the gate of gated linear units (SwiGLU,
// GeGLU, GLU). x and gate must not overlap.
void gated_activation(const Context& ctx, MatrixView x, ConstMatrixView gate, Activation act);

}  // namespace molt::compute
