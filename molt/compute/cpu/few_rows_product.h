// c[m, n] = a[m, k] · b[n, k]ᵀ for a few rows of a: one pass over b, nothing packed.
//
// A short query multiplies a handful of token rows by every weight of the model. OpenBLAS
// copies the whole weight into its packed layout on every call, which costs as much as the
// product itself when m is small: half of an 8-token query's time on an AVX2 CPU. This
// kernel reads each weight row once, straight from the model's layout, and keeps the rows
// of a in cache.
#pragma once

#include <cstddef>
#include <cstdint>

namespace molt::compute::cpu {

// The most rows worth computing this way; above it OpenBLAS's packing pays for itself.
inline constexpr std::size_t kFewRowsMax = 32;

// Needs tensor::cpu_features().avx2_fma(). Any m, n, k (m <= kFewRowsMax is where it is fast);
// f32 sums in a fixed order per output, whatever m and n: a row's result does not depend on
// the other rows of the call.
void few_rows_product(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                      const float* b, std::size_t ldb, float* c, std::size_t ldc);

// The same with b in bf16 (bit patterns) or int8, read as such and widened to f32 exactly:
// half or a quarter of the bytes that bound a short query's time. Each output is the same
// f32 sum as few_rows_product's over b's values as floats, bit for bit.
void few_rows_product_bf16(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                           const std::uint16_t* b, std::size_t ldb, float* c, std::size_t ldc);
void few_rows_product_int8(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                           const std::int8_t* b, std::size_t ldb, float* c, std::size_t ldc);

}  // namespace molt::compute::cpu
