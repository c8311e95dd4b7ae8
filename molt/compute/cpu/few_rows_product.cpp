#include "molt/compute/cpu/few_rows_product.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>

#define MOLT_AVX2 __attribute__((target("avx2,fma")))

namespace molt::compute::cpu {
// The helpers' own namespace: the library compiles in unity batches, where another file's
// anonymous-namespace helpers of the same name would clash.
namespace few_rows {
namespace {

// Lanes [0, n) of a mask for _mm256_maskload_ps: k's last partial group of 8.
MOLT_AVX2 __m256i tail_mask(std::size_t n) {
  alignas(32) static constexpr std::array<std::int32_t, 16> kBits = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                                     0,  0,  0,  0,  0,  0,  0,  0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kBits.data() + 8 - n));
}

// Eight consecutive weights as f32, exactly, from the weight's own format; and the last
// n < 8 of a row, the lanes past them zero.
MOLT_AVX2 __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
MOLT_AVX2 __m256 load8(const std::uint16_t* p) {  // bf16: the top half of an f32
  const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
MOLT_AVX2 __m256 load8(const std::int8_t* p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}
template <class W>
MOLT_AVX2 __m256 load_tail(const W* p, std::size_t n) {
  std::array<W, 8> lanes{};
  std::copy_n(p, n, lanes.begin());
  return load8(lanes.data());
}

// The four sums of the lanes of v0..v3, in one vector.
MOLT_AVX2 __m128 sum_lanes4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(v0, v1), _mm256_hadd_ps(v2, v3));
  return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

// R rows of a (R <= 4) against J rows of b (J <= 3): 12 accumulators, J weight vectors and
// one row vector in the 16 YMM registers. Every output is the same sum in the same order
// (8 lane sums over k, then the lanes pairwise), whatever R and J are.
template <int R, int J, class W>
MOLT_AVX2 void tile(std::size_t k, const float* a, std::size_t lda, const W* b, std::size_t ldb, float* c,
                    std::size_t ldc) {
  __m256 acc[4][3];
  for (int r = 0; r < 4; ++r) {
    for (int j = 0; j < 3; ++j) acc[r][j] = _mm256_setzero_ps();
  }
  std::size_t p = 0;
  for (; p + 8 <= k; p += 8) {
    __m256 w[J];
    for (int j = 0; j < J; ++j) w[j] = load8(b + static_cast<std::size_t>(j) * ldb + p);
    for (int r = 0; r < R; ++r) {
      const __m256 x = _mm256_loadu_ps(a + static_cast<std::size_t>(r) * lda + p);
      for (int j = 0; j < J; ++j) acc[r][j] = _mm256_fmadd_ps(x, w[j], acc[r][j]);
    }
  }
  if (p < k) {
    const __m256i mask = tail_mask(k - p);
    __m256 w[J];
    for (int j = 0; j < J; ++j) w[j] = load_tail(b + static_cast<std::size_t>(j) * ldb + p, k - p);
    for (int r = 0; r < R; ++r) {
      const __m256 x = _mm256_maskload_ps(a + static_cast<std::size_t>(r) * lda + p, mask);
      for (int j = 0; j < J; ++j) acc[r][j] = _mm256_fmadd_ps(x, w[j], acc[r][j]);
    }
  }
  for (int j = 0; j < J; ++j) {
    alignas(16) float sums[4];
    _mm_store_ps(sums, sum_lanes4(acc[0][j], acc[1][j], acc[2][j], acc[3][j]));
    for (int r = 0; r < R; ++r) c[static_cast<std::size_t>(r) * ldc + static_cast<std::size_t>(j)] = sums[r];
  }
}

template <int R, class W>
MOLT_AVX2 void row_group(std::size_t col_begin, std::size_t col_end, std::size_t k, const float* a, std::size_t lda,
                         const W* b, std::size_t ldb, float* c, std::size_t ldc) {
  std::size_t j = col_begin;
  for (; j + 3 <= col_end; j += 3) tile<R, 3>(k, a, lda, b + j * ldb, ldb, c + j, ldc);
  if (col_end - j == 2) tile<R, 2>(k, a, lda, b + j * ldb, ldb, c + j, ldc);
  if (col_end - j == 1) tile<R, 1>(k, a, lda, b + j * ldb, ldb, c + j, ldc);
}

// Columns in blocks whose weight rows (about 16 KB, a whole number of tiles) stay in L1
// while every group of 4 rows of a passes over them, so each weight is read from memory once.
std::size_t column_block(std::size_t k, std::size_t weight_bytes) {
  const std::size_t rows = (std::size_t{16} << 10) / (k * weight_bytes + 1);
  return rows < 3 ? 3 : rows / 3 * 3;
}

template <class W>
MOLT_AVX2 void product(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const W* b,
                       std::size_t ldb, float* c, std::size_t ldc) {
  const std::size_t block = column_block(k, sizeof(W));
  for (std::size_t j0 = 0; j0 < n; j0 += block) {
    const std::size_t j1 = j0 + block < n ? j0 + block : n;
    std::size_t r = 0;
    for (; r + 4 <= m; r += 4) row_group<4>(j0, j1, k, a + r * lda, lda, b, ldb, c + r * ldc, ldc);
    const float* ar = a + r * lda;
    float* cr = c + r * ldc;
    switch (m - r) {
      case 3: row_group<3>(j0, j1, k, ar, lda, b, ldb, cr, ldc); break;
      case 2: row_group<2>(j0, j1, k, ar, lda, b, ldb, cr, ldc); break;
      case 1: row_group<1>(j0, j1, k, ar, lda, b, ldb, cr, ldc); break;
      default: break;
    }
  }
}

}  // namespace
}  // namespace few_rows

void few_rows_product(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                      std::size_t ldb, float* c, std::size_t ldc) {
  few_rows::product(m, n, k, a, lda, b, ldb, c, ldc);
}

void few_rows_product_bf16(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                           const std::uint16_t* b, std::size_t ldb, float* c, std::size_t ldc) {
  few_rows::product(m, n, k, a, lda, b, ldb, c, ldc);
}

void few_rows_product_int8(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                           const std::int8_t* b, std::size_t ldb, float* c, std::size_t ldc) {
  few_rows::product(m, n, k, a, lda, b, ldb, c, ldc);
}

}  // namespace molt::compute::cpu
