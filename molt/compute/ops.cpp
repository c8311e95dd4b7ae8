#include "molt/compute/ops.h"

#include <algorithm>
#include <vector>

namespace molt::compute {
namespace {

// Products smaller than this many multiply-adds run on the calling thread: handing them to
// the pool would cost more than it saves. 128k multiply-adds are a few µs of one core's
// products, about what a hand-off to a polling worker costs. A short query's products are
// above it, and are worth splitting although their compute is small: with a few tokens a
// product reads all of its weights for little arithmetic, and two cores stream the weights
// (42 MB for MiniLM in fp32, more than the L3 cache) faster than one. Measured on an 8-token
// query, fp32, 2 threads, quiet machine: p50 2.0-2.6 ms here against 2.6-3.5 ms at 2M.
// The attention of a short query stays inline.
constexpr std::size_t kParallelMacs = std::size_t{1} << 17;

// The per-worker arenas of one op call: the caller's (ctx.scratch) when it gave one per
// worker, else arenas made for this call.
class WorkerScratch {
 public:
  explicit WorkerScratch(const Context& ctx) {
    const auto n = static_cast<std::size_t>(ctx.n_workers());
    if (ctx.scratch.size() >= n) {
      arenas_ = ctx.scratch;
    } else {
      own_.resize(n);
      arenas_ = own_;
    }
  }
  // A pool runs a parallel_for issued from inside another pool's task inline, with that
  // pool's worker index; the tasks then run one after another on one thread, so any arena
  // will do.
  tensor::Workspace& operator[](int worker) {
    const auto w = static_cast<std::size_t>(worker);
    return arenas_[w < arenas_.size() ? w : 0];
  }

 private:
  std::vector<tensor::Workspace> own_;
  std::span<tensor::Workspace> arenas_;
};

// Runs fn(begin, end) over [0, n) in at most n_workers contiguous pieces, each a multiple of
// `align` (except the last).
template <class F>
void split(const Context& ctx, std::size_t n, std::size_t align, F&& fn) {
  const auto workers = static_cast<std::size_t>(ctx.n_workers());
  if (workers <= 1 || n <= align) {
    fn(std::size_t{0}, n, 0);
    return;
  }
  std::size_t piece = (n + workers - 1) / workers;
  piece = (piece + align - 1) / align * align;
  const std::size_t n_pieces = (n + piece - 1) / piece;
  ctx.pool->parallel_for(n_pieces, [&](std::size_t i, int worker) {
    const std::size_t begin = i * piece;
    fn(begin, std::min(n, begin + piece), worker);
  });
}

// The residual and layer norm that end a post-norm block, applied after a linear layer.
struct NormEpilogue {
  ConstMatrixView residual;
  const float* gamma = nullptr;
  const float* beta = nullptr;
  float eps = 0.0f;
};

void run_linear(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias, MatrixView y,
                Activation act, const NormEpilogue* norm) {
  MOLT_CHECK(x.cols == w.cols() && y.rows == x.rows && y.cols == w.rows());
  MOLT_CHECK(bias == nullptr || (bias->rows() == 1 && bias->cols() == w.rows()));
  const std::size_t m = x.rows, n = w.rows(), k = w.cols();
  if (m == 0 || n == 0) return;
  const Kernels& kern = *ctx.kernels;
  LinearRows base;
  base.k = k;
  base.w = w.f32();
  base.packed = w.packed(kern, ctx.precision);
  base.precision = ctx.precision;
  base.bias = bias == nullptr ? nullptr : bias->f32();
  base.act = act;
  WorkerScratch scratch(ctx);
  const auto block = [&](std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1, int worker) {
    LinearRows a = base;
    a.m = r1 - r0;
    a.x = x.row(r0);
    a.ldx = x.ld;
    a.col_begin = c0;
    a.col_end = c1;
    a.y = y.row(r0) + c0;
    a.ldy = y.ld;
    kern.linear_rows(a, scratch[worker]);
  };
  const auto normalize = [&](std::size_t r0, std::size_t r1) {
    kern.add_layer_norm(y.row(r0), y.ld, norm->residual.row(r0), norm->residual.ld, r1 - r0, n, norm->gamma,
                        norm->beta, norm->eps);
  };
  const std::size_t rb = std::max<std::size_t>(kern.row_block, 1);
  const std::size_t n_row_blocks = (m + rb - 1) / rb;
  const auto workers = static_cast<std::size_t>(ctx.n_workers());
  // Many rows, or one worker: blocks of rows against the whole weight, each block's layer
  // norm right after its product while the rows are in cache.
  const bool one_thread = workers <= 1 || m * n * k < kParallelMacs;
  if (one_thread || n_row_blocks >= 2 * workers) {
    const auto task = [&](std::size_t b, int worker) {
      const std::size_t r0 = b * rb, r1 = std::min(m, r0 + rb);
      block(r0, r1, 0, n, worker);
      if (norm != nullptr) normalize(r0, r1);
    };
    if (one_thread) {
      for (std::size_t b = 0; b < n_row_blocks; ++b) task(b, 0);
    } else {
      ctx.pool->parallel_for(n_row_blocks, task);
    }
    return;
  }
  // A few rows (a short query): every worker also takes a range of output features.
  const std::size_t align = std::max<std::size_t>(kern.column_align, 1);
  std::size_t width = (n + workers - 1) / workers;
  width = (width + align - 1) / align * align;
  const std::size_t n_col_blocks = (n + width - 1) / width;
  ctx.pool->parallel_for(n_row_blocks * n_col_blocks, [&](std::size_t t, int worker) {
    const std::size_t rbi = t / n_col_blocks, cbi = t % n_col_blocks;
    const std::size_t r0 = rbi * rb, c0 = cbi * width;
    block(r0, std::min(m, r0 + rb), c0, std::min(n, c0 + width), worker);
  });
  if (norm != nullptr) {
    split(ctx, m, 16, [&](std::size_t r0, std::size_t r1, int) { normalize(r0, r1); });
  }
}

}  // namespace

void linear(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
            MatrixView y, Activation act) {
  run_linear(ctx, x, w, bias, y, act, nullptr);
}

void linear_add_layer_norm(const Context& ctx, ConstMatrixView x, const Weight& w, const Weight* bias,
                           ConstMatrixView residual, const Weight& gamma, const Weight& beta, float eps,
                           MatrixView y) {
  MOLT_CHECK(residual.rows == x.rows && residual.cols == w.rows());
  MOLT_CHECK(gamma.cols() == w.rows() && beta.cols() == w.rows() && gamma.rows() == 1 && beta.rows() == 1);
  const NormEpilogue norm{residual, gamma.f32(), beta.f32(), eps};
  run_linear(ctx, x, w, bias, y, Activation::kIdentity, &norm);
}

void add_layer_norm(const Context& ctx, MatrixView x, ConstMatrixView residual,
                    const Weight& gamma, const Weight& beta, float eps) {
  MOLT_CHECK(gamma.cols() == x.cols && beta.cols() == x.cols && gamma.rows() == 1 && beta.rows() == 1);
  MOLT_CHECK(residual.data == nullptr || (residual.rows == x.rows && residual.cols == x.cols));
  const Kernels& kern = *ctx.kernels;
  split(ctx, x.rows, 16, [&](std::size_t r0, std::size_t r1, int) {
    const float* res = residual.data == nullptr ? nullptr : residual.data + r0 * residual.ld;
    kern.add_layer_norm(x.data + r0 * x.ld, x.ld, res, residual.ld, r1 - r0, x.cols, gamma.f32(),
                        beta.f32(), eps);
  });
}

void gather_rows(const Context& ctx, const Weight& table, std::span<const std::int32_t> rows,
                 MatrixView out, bool accumulate) {
  MOLT_CHECK(out.rows == rows.size() && out.cols == table.cols());
  WorkerScratch scratch(ctx);
  split(ctx, rows.size(), 16, [&](std::size_t r0, std::size_t r1, int worker) {
    tensor::Workspace& ws = scratch[worker];
    const tensor::Workspace::Scope scope(ws);
    const std::span<float> tmp = accumulate ? ws.floats(table.cols()) : std::span<float>();
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

void attention(const Context& ctx, const AttentionArgs& a, tensor::Workspace& /*ws*/) {
  const std::size_t width = a.n_heads * a.head_dim;
  MOLT_CHECK(a.n_heads > 0 && a.offsets.size() >= 1);
  const std::size_t n_tokens = a.offsets.back();
  MOLT_CHECK(a.q.rows == n_tokens && a.k.rows == n_tokens && a.v.rows == n_tokens &&
             a.out.rows == n_tokens);
  MOLT_CHECK(a.q.cols == width && a.k.cols == width && a.v.cols == width && a.out.cols == width);
  const std::size_t n_seqs = a.offsets.size() - 1;
  for (std::size_t s = 0; s < n_seqs; ++s) MOLT_CHECK(a.offsets[s] <= a.offsets[s + 1]);
  const Kernels& kern = *ctx.kernels;
  const Precision precision = attention_precision(ctx.precision);
  WorkerScratch scratch(ctx);
  const auto run = [&](std::size_t task, int worker) {
    const std::size_t s = task / a.n_heads;
    const std::size_t h = task % a.n_heads;
    const std::size_t begin = a.offsets[s];
    const std::size_t len = a.offsets[s + 1] - begin;
    if (len == 0) return;
    const std::size_t col = h * a.head_dim;
    AttentionHead head;
    head.q = a.q.row(begin) + col;
    head.k = a.k.row(begin) + col;
    head.v = a.v.row(begin) + col;
    head.ldq = a.q.ld;
    head.ldk = a.k.ld;
    head.ldv = a.v.ld;
    head.out = a.out.row(begin) + col;
    head.ld_out = a.out.ld;
    head.len = len;
    head.head_dim = a.head_dim;
    head.scale = a.scale;
    head.precision = precision;
    kern.attention_head(head, scratch[worker]);
  };
  const std::size_t n_tasks = n_seqs * a.n_heads;
  // Scores and the weighted sum of values: 2 · len² · head_dim multiply-adds per head.
  std::size_t macs = 0;
  for (std::size_t s = 0; s < n_seqs; ++s) {
    const std::size_t len = a.offsets[s + 1] - a.offsets[s];
    macs += 2 * len * len * width;
  }
  if (ctx.pool == nullptr || ctx.n_workers() <= 1 || macs < kParallelMacs) {
    for (std::size_t t = 0; t < n_tasks; ++t) run(t, 0);
  } else {
    ctx.pool->parallel_for(n_tasks, run);
  }
}

void rotary(const Context& ctx, MatrixView x, std::span<const std::uint32_t> offsets, std::size_t n_heads,
            const RotaryTable& table) {
  MOLT_CHECK(n_heads > 0 && x.cols % n_heads == 0 && !offsets.empty() && offsets.back() == x.rows);
  const std::size_t head_dim = x.cols / n_heads, half = table.rotary_dim / 2;
  MOLT_CHECK(table.rotary_dim % 2 == 0 && table.rotary_dim <= head_dim);
  MOLT_CHECK(table.cos.cols == half && table.sin.cols == half && table.cos.rows == table.sin.rows &&
             table.cos.ld == table.sin.ld);
  if (half == 0 || x.rows == 0) return;
  const Kernels& kern = *ctx.kernels;
  // Pieces of tokens; each piece is cut further where a sequence starts, so that every
  // kernel call covers consecutive positions of one sequence.
  split(ctx, x.rows, 16, [&](std::size_t r0, std::size_t r1, int) {
    auto s = static_cast<std::size_t>(std::upper_bound(offsets.begin(), offsets.end(), r0) - offsets.begin()) - 1;
    for (std::size_t r = r0; r < r1; ++s) {
      const std::size_t end = std::min<std::size_t>(r1, offsets[s + 1]);
      if (end <= r) continue;
      const std::size_t position = r - offsets[s];
      MOLT_CHECK(position + (end - r) <= table.cos.rows);
      kern.rotary(x.row(r), x.ld, end - r, n_heads, head_dim, table.rotary_dim, table.interleaved,
                  table.cos.row(position), table.sin.row(position), table.cos.ld);
      r = end;
    }
  });
}

void gated_activation(const Context& ctx, MatrixView x, ConstMatrixView gate, Activation act) {
  MOLT_CHECK(gate.rows == x.rows && gate.cols == x.cols);
  const Kernels& kern = *ctx.kernels;
  split(ctx, x.rows, 16, [&](std::size_t r0, std::size_t r1, int) {
    kern.gated_activation(act, x.row(r0), x.ld, gate.row(r0), gate.ld, r1 - r0, x.cols);
  });
}

}  // namespace molt::compute
