// Kernels: one table of single-threaded kernels per device and instruction set. ops.h checks
// shapes, splits the work across the pool, and calls the table of its Context, so a new
// kernel set is one more table and no caller changes (STYLE rule 5).
//
// Two tables exist on the CPU:
//  - reference_kernels(): plain loops, double accumulation. The oracle: slow, obviously
//    right, kept forever; parity tests hold every other table against it.
//  - cpu_kernels(): matrix products through OpenBLAS (single-threaded: the caller's pool
//    owns the threads), the other kernels as vectorizable loops.
// default_kernels() is what the CPU runs unless told otherwise; choosing a table at run time
// (per instruction set, later per device) happens there and nowhere else.
//
// Every matrix is row-major f32 with an explicit row stride (ld >= cols).
#pragma once

#include <cstddef>
#include <string_view>

#include "molt/compute/activation.h"

namespace molt::compute {

struct Kernels {
  std::string_view name;

  // c[m, n] = alpha · a[m, k] · b[n, k]ᵀ + beta · c. b holds one row per output column: a
  // linear layer's weight [out, in], or the keys of attention. beta = 0 ignores c's content.
  void (*gemm_nt)(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc);
  // The fewest rows m for which gemm_nt computes every row of c the same way, whatever m and
  // the row's place: calls with fewer rows are padded up to it, so that a sequence's vector
  // does not depend on the batch it is in (bit for bit). 1 when the kernel never changes.
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
};

const Kernels& reference_kernels();
const Kernels& cpu_kernels();
const Kernels& default_kernels();

}  // namespace molt::compute
