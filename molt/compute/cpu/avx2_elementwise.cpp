#include "molt/compute/cpu/avx2_elementwise.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>

#define MOLT_AVX2 __attribute__((target("avx2,fma")))

namespace molt::compute::cpu {
// The helpers' own namespace (the library compiles in unity batches).
namespace avx2_elementwise {
namespace {

// e^x for x in [-87.3, 88], within 2 ulp (Cephes' expf, as avx512::exp); below -87.3 it
// gives e^-87.3 ≈ 1.2e-38 rather than less, which no sum or product here can tell from 0.
MOLT_AVX2 __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.0f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  // 2^n for n in [-126, 127]: n + 127 in the exponent field.
  const __m256i two_n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(two_n));
}

// x · Φ(x), Φ from erfc(|x|/√2) = t·exp(-z² + P(t)), t = 1/(1 + z/2) (as avx512::gelu_erf).
MOLT_AVX2 __m256 gelu_erf8(__m256 x) {
  const __m256 abs_x = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
  const __m256 z = _mm256_mul_ps(abs_x, _mm256_set1_ps(0.70710678118654752440f));
  const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(z, _mm256_set1_ps(0.5f), _mm256_set1_ps(1.0f)));
  __m256 p = _mm256_set1_ps(0.17087277f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
  const __m256 erfc = _mm256_mul_ps(t, exp8(_mm256_fnmadd_ps(z, z, p)));
  const __m256 half_erfc = _mm256_mul_ps(erfc, _mm256_set1_ps(0.5f));
  const __m256 negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  const __m256 phi = _mm256_blendv_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), half_erfc), half_erfc, negative);
  return _mm256_mul_ps(x, phi);
}

MOLT_AVX2 float max8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

MOLT_AVX2 float sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// The last n < 8 floats of a row through an 8-lane buffer, lanes past them set to `fill`.
struct Tail {
  std::array<float, 8> lanes;
  Tail(const float* x, std::size_t n, float fill) {
    lanes.fill(fill);
    std::copy_n(x, n, lanes.begin());
  }
};

MOLT_AVX2 void softmax_row(float* x, std::size_t n) {
  const std::size_t full = n / 8 * 8;
  __m256 max = _mm256_set1_ps(-INFINITY);
  for (std::size_t c = 0; c < full; c += 8) max = _mm256_max_ps(max, _mm256_loadu_ps(x + c));
  if (full < n) max = _mm256_max_ps(max, _mm256_loadu_ps(Tail(x + full, n - full, -INFINITY).lanes.data()));
  const __m256 row_max = _mm256_set1_ps(max8(max));
  __m256 sum = _mm256_setzero_ps();
  for (std::size_t c = 0; c < full; c += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + c), row_max));
    _mm256_storeu_ps(x + c, e);
    sum = _mm256_add_ps(sum, e);
  }
  float total = sum8(sum);
  for (std::size_t c = full; c < n; ++c) {
    alignas(32) float e[8];
    _mm256_store_ps(e, exp8(_mm256_set1_ps(x[c] - _mm256_cvtss_f32(row_max))));
    x[c] = e[0];
    total += e[0];
  }
  const __m256 inv = _mm256_set1_ps(1.0f / total);
  for (std::size_t c = 0; c < full; c += 8) _mm256_storeu_ps(x + c, _mm256_mul_ps(_mm256_loadu_ps(x + c), inv));
  for (std::size_t c = full; c < n; ++c) x[c] *= _mm256_cvtss_f32(inv);
}

MOLT_AVX2 void bias_gelu_row(float* x, std::size_t n, const float* bias) {
  std::size_t c = 0;
  for (; c + 8 <= n; c += 8) {
    __m256 v = _mm256_loadu_ps(x + c);
    if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + c));
    _mm256_storeu_ps(x + c, gelu_erf8(v));
  }
  if (c < n) {
    Tail t(x + c, n - c, 0.0f);
    if (bias != nullptr) {
      for (std::size_t i = 0; i < n - c; ++i) t.lanes[i] += bias[c + i];
    }
    alignas(32) float out[8];
    _mm256_store_ps(out, gelu_erf8(_mm256_loadu_ps(t.lanes.data())));
    std::copy_n(out, n - c, x + c);
  }
}

}  // namespace
}  // namespace avx2_elementwise

void avx2_softmax_rows(float* x, std::size_t ldx, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) avx2_elementwise::softmax_row(x + r * ldx, cols);
}

void avx2_bias_gelu_erf(float* x, std::size_t ldx, std::size_t rows, std::size_t cols, const float* bias) {
  for (std::size_t r = 0; r < rows; ++r) avx2_elementwise::bias_gelu_row(x + r * ldx, cols, bias);
}

}  // namespace molt::compute::cpu
