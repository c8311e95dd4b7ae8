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
// overlap x.
void linear(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
            MatrixView y, Activation act = Activation::kIdentity);

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
// Scores take max_len² floats per worker from `ws`, given back on return.
void attention(const Context& ctx, const AttentionArgs& args, tensor::Workspace& ws);

}  // namespace molt::compute
