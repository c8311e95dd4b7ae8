// Kernels: one table of single-threaded kernels per device and instruction set. ops.h checks
// shapes, splits the work across the pool, and calls the table of its Context, so a new
// kernel set is one more table and no caller changes (STYLE rule 5).
//
// Three tables exist on the CPU:
//  - reference_kernels(): plain loops, double accumulation. The oracle: slow, obviously
//    right, kept forever; parity tests hold every other table against it, per precision.
//  - cpu_kernels(): matrix products through OpenBLAS (single-threaded: the caller's pool
//    owns the threads), the other kernels as vectorizable loops for the baseline ISA; bf16
//    and int8 computed exactly as defined, on f32 products of the rounded values.
//  - avx512_kernels(): for CPUs with AVX-512 (F, BW, VL, DQ): packed matrix products through
//    oneDNN in f32, bf16 (AVX512_BF16) and int8 (AVX512_VNNI), single-threaded inside the
//    caller's pool; fused attention, softmax, GELU, layer norm and quantization in AVX-512.
// default_kernels() is what the CPU runs unless told otherwise; choosing a table at run time
// (per instruction set, later per device) happens there and nowhere else.
//
// Every matrix is row-major f32 with an explicit row stride (ld >= cols).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "molt/compute/activation.h"
#include "molt/compute/packed_matrix.h"
#include "molt/compute/precision.h"
#include "molt/tensor/workspace.h"

namespace molt::compute {

// A block of a linear layer for Kernels::linear_rows:
//   y[i, c] = act(x[i, :] · w[col_begin + c, :] + bias[col_begin + c])
// for i < m and c < col_end - col_begin, the product in `precision` (compute/precision.h).
struct LinearRows {
  std::size_t m = 0;
  std::size_t k = 0;
  const float* x = nullptr;  // f32 [m, k]
  std::size_t ldx = 0;
  const float* w = nullptr;  // f32 [n, k], row-major (ld = k): the weight as loaded
  const PackedMatrix* packed = nullptr;  // the same weight from this table's pack_matrix, or null
  Precision precision = Precision::kF32;
  std::size_t col_begin = 0;
  std::size_t col_end = 0;
  const float* bias = nullptr;  // f32 [n] (indexed from 0, not col_begin), or null
  Activation act = Activation::kIdentity;
  float* y = nullptr;  // f32 [m, col_end - col_begin]: column col_begin of row 0
  std::size_t ldy = 0;
};

// One head of one sequence for Kernels::attention_head:
//   out[len, d] = softmax(scale · q kᵀ) · v,   q, k, v, out [len, d] strided views,
// the two products in `precision` (kF32 or kBF16: q, k, v and the probabilities rounded to
// bf16, f32 sums).
struct AttentionHead {
  const float* q = nullptr;
  const float* k = nullptr;
  const float* v = nullptr;
  std::size_t ldq = 0, ldk = 0, ldv = 0;
  float* out = nullptr;
  std::size_t ld_out = 0;
  std::size_t len = 0;
  std::size_t head_dim = 0;
  float scale = 1.0f;
  Precision precision = Precision::kF32;
};

struct Kernels {
  std::string_view name;

  // c[m, n] = alpha · a[m, k] · b[n, k]ᵀ + beta · c. b holds one row per output column: a
  // linear layer's weight [out, in], or the keys of attention. beta = 0 ignores c's content.
  void (*gemm_nt)(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc);
  // The fewest rows m for which gemm_nt computes every row of c the same way, whatever m and
  // the row's place: calls with fewer rows are padded up to it, so that a sequence's vector
  // does not depend on the batch it is in (bit for bit). 1 when the kernel never changes;
  // 0 when no m does (a row's rounding depends on its place in the library's blocks).
  std::size_t (*gemm_nt_uniform_rows)(std::size_t n, std::size_t k);
  // c[m, n] = alpha · a[m, k] · b[k, n] + beta · c (attention probabilities times values).
  void (*gemm_nn)(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc);
  // Each of `rows` rows: x = act(x + bias); bias [cols] may be null.
  void (*bias_activation)(Activation act, float* x, std::size_t ldx, std::size_t rows,
                          std::size_t cols, const float* bias);
  // Each row: x = LayerNorm(x + residual) · gamma + beta, the mean and the biased variance
  // over the row (PyTorch's LayerNorm). residual may be null; gamma and beta are [cols].
  void (*add_layer_norm)(float* x, std::size_t ldx, const float* residual, std::size_t ldr,
                         std::size_t rows, std::size_t cols, const float* gamma,
                         const float* beta, float eps);
  // Each row: x = softmax(x), max-subtracted.
  void (*softmax_rows)(float* x, std::size_t ldx, std::size_t rows, std::size_t cols);

  // Prepares a weight w f32 [n, k] for linear_rows in `precision`, once per weight (the
  // ops reach it through Weight::packed). Null when linear_rows reads the f32 values as
  // they are (f32 on the reference and OpenBLAS tables). Thread-safe.
  std::unique_ptr<PackedMatrix> (*pack_matrix)(const float* w, std::size_t n, std::size_t k,
                                               Precision precision);
  // A block of rows and output columns of a linear layer (LinearRows). Temporaries come
  // from `scratch` and are given back on return.
  void (*linear_rows)(const LinearRows& args, tensor::Workspace& scratch);
  // How the ops cut a linear layer into linear_rows calls: blocks of row_block rows (the
  // calls' m, except the last), and, when there are too few rows to keep every worker busy,
  // column ranges starting at multiples of column_align.
  std::size_t row_block;
  std::size_t column_align;
  // One head of one sequence of self-attention (AttentionHead); scratch as above.
  void (*attention_head)(const AttentionHead& args, tensor::Workspace& scratch);
  // Rotary position embedding, in place, on `rows` tokens of consecutive positions: row r of
  // x holds n_heads heads of head_dim values, and the first rotary_dim values of each head
  // turn by the angles of table row r (cos[r · ld_table + i], sin[...], i < rotary_dim / 2):
  // the pair (a, b) = (i, i + rotary_dim/2), or (2i, 2i + 1) when interleaved, becomes
  // (a·cos − b·sin, b·cos + a·sin). The other values of the head are left as they are.
  void (*rotary)(float* x, std::size_t ldx, std::size_t rows, std::size_t n_heads, std::size_t head_dim,
                 std::size_t rotary_dim, bool interleaved, const float* cos, const float* sin,
                 std::size_t ld_table);
  // Each of `rows` rows: x = x · act(gate), element-wise — the gate of gated linear units
  // (SwiGLU: silu, GeGLU: gelu, GLU: sigmoid).
  void (*gated_activation)(Activation act, float* x, std::size_t ldx, const float* gate, std::size_t ldg,
                           std::size_t rows, std::size_t cols);
};

const Kernels& reference_kernels();
const Kernels& cpu_kernels();
// Only on CPUs where tensor::cpu_features().avx512_core() holds.
const Kernels& avx512_kernels();
const Kernels& default_kernels();

}  // namespace molt::compute
