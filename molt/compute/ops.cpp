#include "molt/compute/ops.h"

#include <algorithm>
#include <vector>

namespace molt::compute {
namespace {

// Products smaller than this many multiply-adds run on the calling thread: handing them to
// the pool would cost more than it saves.
constexpr std::size_t kParallelMacs = std::size_t{1} << 18;

// Runs fn(begin, end) over [0, n) in at most n_workers contiguous pieces, each a multiple of
// `align` (except the last).
template <class F>
void split(const Context& ctx, std::size_t n, std::size_t align, F&& fn) {
  const auto workers = static_cast<std::size_t>(ctx.n_workers());
  if (workers <= 1 || n <= align) {
    fn(std::size_t{0}, n);
    return;
  }
  std::size_t piece = (n + workers - 1) / workers;
  piece = (piece + align - 1) / align * align;
  const std::size_t n_pieces = (n + piece - 1) / piece;
  ctx.pool->parallel_for(n_pieces, [&](std::size_t i, int) {
    const std::size_t begin = i * piece;
    fn(begin, std::min(n, begin + piece));
  });
}

}  // namespace

void linear(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
            MatrixView y, Activation act) {
  MOLT_CHECK(x.cols == w.cols() && y.rows == x.rows && y.cols == w.rows());
  MOLT_CHECK(bias == nullptr || (bias->rows() == 1 && bias->cols() == w.rows()));
  const std::size_t m = x.rows, n = w.rows(), k = w.cols();
  if (m == 0 || n == 0) return;
  const Kernels& kern = *ctx.kernels;
  const float* wdata = w.f32();
  const float* bdata = bias == nullptr ? nullptr : bias->f32();
  const auto run = [&](std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) {
    const std::size_t rows = r1 - r0, cols = c1 - c0;
    float* out = y.data + r0 * y.ld + c0;
    const std::size_t uniform = kern.gemm_nt_uniform_rows(cols, k);
    if (rows >= uniform) {
      kern.gemm_nt(rows, cols, k, 1.0f, x.data + r0 * x.ld, x.ld, wdata + c0 * k, k, 0.0f, out, y.ld);
    } else {
      // Too few rows for the kernel's uniform path: pad with zero rows (a few rows at
      // most for real model widths), so that these rows round as in any larger batch.
      std::vector<float> padded_x(uniform * k, 0.0f), padded_y(uniform * cols);
      for (std::size_t r = 0; r < rows; ++r) std::copy_n(x.row(r0 + r), k, padded_x.data() + r * k);
      kern.gemm_nt(uniform, cols, k, 1.0f, padded_x.data(), k, wdata + c0 * k, k, 0.0f, padded_y.data(), cols);
      for (std::size_t r = 0; r < rows; ++r) std::copy_n(padded_y.data() + r * cols, cols, out + r * y.ld);
    }
    if (bdata != nullptr || act != Activation::kIdentity) {
      kern.bias_activation(act, out, y.ld, r1 - r0, c1 - c0, bdata == nullptr ? nullptr : bdata + c0);
    }
  };
  const auto workers = static_cast<std::size_t>(ctx.n_workers());
  if (workers <= 1 || m * n * k < kParallelMacs) {
    run(0, m, 0, n);
  } else if (m >= 32 * workers) {
    // Many tokens: each worker takes a block of rows against the whole weight.
    split(ctx, m, 16, [&](std::size_t r0, std::size_t r1) { run(r0, r1, 0, n); });
  } else {
    // Few tokens (a short query): each worker takes a block of output features.
    split(ctx, n, 64, [&](std::size_t c0, std::size_t c1) { run(0, m, c0, c1); });
  }
}

void add_layer_norm(const Context& ctx, MatrixView x, ConstMatrixView residual,
                    const Weight& gamma, const Weight& beta, float eps) {
  MOLT_CHECK(gamma.cols() == x.cols && beta.cols() == x.cols && gamma.rows() == 1 && beta.rows() == 1);
  MOLT_CHECK(residual.data == nullptr || (residual.rows == x.rows && residual.cols == x.cols));
  const Kernels& kern = *ctx.kernels;
  split(ctx, x.rows, 16, [&](std::size_t r0, std::size_t r1) {
    const float* res = residual.data == nullptr ? nullptr : residual.data + r0 * residual.ld;
    kern.add_layer_norm(x.data + r0 * x.ld, x.ld, res, residual.ld, r1 - r0, x.cols, gamma.f32(),
                        beta.f32(), eps);
  });
}

void gather_rows(const Context& ctx, const Weight& table, std::span<const std::int32_t> rows,
                 MatrixView out, bool accumulate) {
  MOLT_CHECK(out.rows == rows.size() && out.cols == table.cols());
  split(ctx, rows.size(), 16, [&](std::size_t r0, std::size_t r1) {
    std::vector<float> tmp(accumulate ? table.cols() : 0);
    for (std::size_t r = r0; r < r1; ++r) {
      const auto index = rows[r];
      MOLT_CHECK(index >= 0 && static_cast<std::size_t>(index) < table.rows());
      const std::span<float> dst(out.row(r), out.cols);
      if (!accumulate) {
        table.row_f32(static_cast<std::size_t>(index), dst);
        continue;
      }
      table.row_f32(static_cast<std::size_t>(index), tmp);
      for (std::size_t c = 0; c < out.cols; ++c) dst[c] += tmp[c];
    }
  });
}

void attention(const Context& ctx, const AttentionArgs& a, tensor::Workspace& ws) {
  const std::size_t width = a.n_heads * a.head_dim;
  MOLT_CHECK(a.n_heads > 0 && a.offsets.size() >= 1);
  const std::size_t n_tokens = a.offsets.back();
  MOLT_CHECK(a.q.rows == n_tokens && a.k.rows == n_tokens && a.v.rows == n_tokens &&
             a.out.rows == n_tokens);
  MOLT_CHECK(a.q.cols == width && a.k.cols == width && a.v.cols == width && a.out.cols == width);
  const std::size_t n_seqs = a.offsets.size() - 1;
  std::size_t max_len = 0;
  for (std::size_t s = 0; s < n_seqs; ++s) {
    MOLT_CHECK(a.offsets[s] <= a.offsets[s + 1]);
    max_len = std::max<std::size_t>(max_len, a.offsets[s + 1] - a.offsets[s]);
  }
  if (max_len == 0) return;
  const auto workers = static_cast<std::size_t>(ctx.n_workers());
  const tensor::Workspace::Scope scope(ws);
  const std::span<float> scratch = ws.floats(workers * max_len * max_len);
  const Kernels& kern = *ctx.kernels;
  const auto run = [&](std::size_t task, int worker) {
    const std::size_t s = task / a.n_heads;
    const std::size_t h = task % a.n_heads;
    const std::size_t begin = a.offsets[s];
    const std::size_t len = a.offsets[s + 1] - begin;
    if (len == 0) return;
    // A pool runs a parallel_for issued from inside another pool's task inline, with that
    // pool's worker index; the tasks then run one after another, so any slot will do.
    const auto slot = static_cast<std::size_t>(worker) < workers ? static_cast<std::size_t>(worker) : 0;
    float* scores = scratch.data() + slot * max_len * max_len;  // f32 [len, len]
    const std::size_t col = h * a.head_dim;
    kern.gemm_nt(len, len, a.head_dim, a.scale, a.q.row(begin) + col, a.q.ld,
                 a.k.row(begin) + col, a.k.ld, 0.0f, scores, len);
    kern.softmax_rows(scores, len, len, len);
    kern.gemm_nn(len, a.head_dim, len, 1.0f, scores, len, a.v.row(begin) + col, a.v.ld, 0.0f,
                 a.out.row(begin) + col, a.out.ld);
  };
  const std::size_t n_tasks = n_seqs * a.n_heads;
  if (ctx.pool == nullptr || workers <= 1) {
    for (std::size_t t = 0; t < n_tasks; ++t) run(t, 0);
  } else {
    ctx.pool->parallel_for(n_tasks, run);
  }
}

}  // namespace molt::compute
