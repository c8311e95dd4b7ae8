// RoundedMatrix: the packed form of the scalar kernel tables (reference, OpenBLAS) and the
// fallback of faster ones: a weight's values rounded to the precision's format
// (compute/quantize.h) and kept in it — bf16 bit patterns, or int8 integers with their
// per-row scales and sums — half or a quarter of the f32 weight's bytes. Products either
// read them in place (the few-rows kernel) or expand them exactly to f32 (bf16 and int8
// values are floats) so that plain f32 products compute the precision's arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "molt/compute/kernels.h"

namespace molt::compute::cpu {

class RoundedMatrix final : public PackedMatrix {
 public:
  // w f32 [n, k] for kBF16 or kInt8 (not kF32: that needs no rounding).
  RoundedMatrix(const Kernels& owner, const float* w, std::size_t n, std::size_t k, Precision precision);

  std::size_t n_bytes() const override;

  // Rows [r0, r1) as f32 [r1 - r0, k], exactly.
  void expand_rows(std::size_t r0, std::size_t r1, float* out) const;

  std::vector<std::uint16_t> bf16;  // bf16: [n, k] bit patterns
  std::vector<std::int8_t> int8;    // int8: [n, k]
  std::vector<float> scales;        // int8: [n], w ≈ scales[r] · int8[r, :]
  std::vector<std::int32_t> sums;   // int8: [n], Σ int8[r, :]
};

// Kernels::pack_matrix of the scalar tables: null for kF32, a RoundedMatrix otherwise.
std::unique_ptr<PackedMatrix> pack_rounded(const Kernels& owner, const float* w, std::size_t n, std::size_t k,
                                           Precision precision);

// f32 c[m, n] = a[m, k] · b[n, k]ᵀ, temporaries from `scratch`.
using GemmNt = void (*)(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, float* c, std::size_t ldc, tensor::Workspace& scratch);

// Kernels::linear_rows over a RoundedMatrix (bf16, int8): the activations are rounded
// (bf16) or quantized per row and their zero point subtracted (int8) into scratch,
// multiplied in f32 — by the weights expanded to f32 through `gemm`, or with `few_rows`
// (which needs tensor::cpu_features().avx2_fma()) by the kernel that reads them in place —
// rescaled; then bias and activation through `bias_activation`. Exact to the precision's
// definition up to f32 summation.
void rounded_linear_rows(const LinearRows& a, tensor::Workspace& scratch, GemmNt gemm,
                         decltype(Kernels::bias_activation) bias_activation, bool few_rows = false);

}  // namespace molt::compute::cpu
