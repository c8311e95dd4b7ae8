#include "molt/compute/cpu/avx512_attention.h"

#include <algorithm>
#include <cstring>

#include "molt/compute/cpu/avx512_math.h"
#include "molt/tensor/cpu_features.h"

namespace molt::compute::cpu {

#if defined(__x86_64__)

namespace {

using avx512::tail_mask;

constexpr std::size_t kRows = 8;  // query rows per block: 8 × 2 accumulators of 16 lanes

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// Rows of one head are head_dim floats, one row of the fused q|k|v matrix apart (kilobytes):
// fetched ahead, since the qkv product has just streamed the whole batch through the cache.
constexpr std::size_t kPrefetchRows = 8;
inline void prefetch_row(const float* base, std::size_t ld, std::size_t row, std::size_t n_rows, std::size_t d) {
  if (row + kPrefetchRows >= n_rows) return;
  const char* p = reinterpret_cast<const char*>(base + (row + kPrefetchRows) * ld);
  for (std::size_t b = 0; b < d * sizeof(float); b += 64) __builtin_prefetch(p + b);
}

// Lanes of a 16-key chunk starting `from` keys before the end (valid = keys left).
MOLT_AVX512 inline __mmask16 valid_keys(std::ptrdiff_t valid) {
  return valid <= 0 ? static_cast<__mmask16>(0) : tail_mask(static_cast<std::size_t>(valid));
}

// Scales the block's 8 × 16·C accumulated scores, stores them at s, and raises each row's
// maximum by the keys that exist (the first `valid` columns).
template <int C>
MOLT_AVX512 inline void store_scores(__m512 (&acc)[kRows][C], __m512 scale, std::ptrdiff_t valid, float* s,
                                     std::size_t lds, __m512* row_max) {
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 2
    for (int c = 0; c < C; ++c) {
      const __m512 v = _mm512_mul_ps(acc[r][c], scale);
      _mm512_storeu_ps(s + r * lds + 16 * c, v);
      row_max[r] = _mm512_mask_max_ps(row_max[r], valid_keys(valid - 16 * c), row_max[r], v);
    }
  }
}

// s[r, 0..16·C) = scale · q_r · kt[:, 0..16·C) for the block's 8 rows; kt is kᵀ [d, ld_kt].
template <int C>
MOLT_AVX512 inline void scores_f32(const float* const* q, const float* kt, std::size_t ld_kt, std::size_t d,
                                   __m512 scale, std::ptrdiff_t valid, float* s, std::size_t lds, __m512* row_max) {
  __m512 acc[kRows][C];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 2
    for (int c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_ps();
  }
  for (std::size_t p = 0; p < d; ++p) {
    __m512 kv[C];
#pragma GCC unroll 2
    for (int c = 0; c < C; ++c) kv[c] = _mm512_loadu_ps(kt + p * ld_kt + 16 * c);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < kRows; ++r) {
      const __m512 qv = _mm512_set1_ps(q[r][p]);
#pragma GCC unroll 2
      for (int c = 0; c < C; ++c) acc[r][c] = _mm512_fmadd_ps(qv, kv[c], acc[r][c]);
    }
  }
  store_scores<C>(acc, scale, valid, s, lds, row_max);
}

// Row r of s [0, len) = e^(s - max_r); returns Σ e. Approximate: exp_approx (for bf16).
template <bool Approximate>
MOLT_AVX512 inline float exp_row(float* s, std::size_t len, __m512 max) {
  __m512 sum = _mm512_setzero_ps();
  for (std::size_t c = 0; c < len; c += 16) {
    const __mmask16 m = tail_mask(len - c);
    const __m512 x = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + c), max);
    const __m512 e = _mm512_maskz_mov_ps(m, Approximate ? avx512::exp_approx(x) : avx512::exp(x));
    _mm512_mask_storeu_ps(s + c, m, e);
    sum = _mm512_add_ps(sum, e);
  }
  return _mm512_reduce_add_ps(sum);
}

// out rows [0, rows) of the block, columns [c0, c0 + 32) ∩ [0, d): inv[r] · Σ_j e[r, j] · v[j, :].
MOLT_AVX512 inline void values_f32(const float* e, std::size_t lde, const float* v, std::size_t ldv, std::size_t len,
                                   std::size_t d, std::size_t c0, const float* inv, float* out, std::size_t ld_out,
                                   std::size_t rows) {
  const __mmask16 m0 = tail_mask(d - c0);
  const __mmask16 m1 = d > c0 + 16 ? tail_mask(d - c0 - 16) : static_cast<__mmask16>(0);
  __m512 acc[kRows][2];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (std::size_t j = 0; j < len; ++j) {
    const __m512 v0 = _mm512_maskz_loadu_ps(m0, v + j * ldv + c0);
    const __m512 v1 = _mm512_maskz_loadu_ps(m1, v + j * ldv + c0 + 16);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < kRows; ++r) {
      const __m512 pv = _mm512_set1_ps(e[r * lde + j]);
      acc[r][0] = _mm512_fmadd_ps(pv, v0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(pv, v1, acc[r][1]);
    }
  }
  // Constant indices only (fully unrolled), so the accumulators stay in registers.
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) {
    if (r < rows) {
      const __m512 scale = _mm512_set1_ps(inv[r]);
      _mm512_mask_storeu_ps(out + r * ld_out + c0, m0, _mm512_mul_ps(acc[r][0], scale));
      _mm512_mask_storeu_ps(out + r * ld_out + c0 + 16, m1, _mm512_mul_ps(acc[r][1], scale));
    }
  }
}

MOLT_AVX512 void attention_f32(const AttentionHead& h, tensor::Workspace& ws) {
  const std::size_t len = h.len, d = h.head_dim, lp = round_up(len, 16);
  const tensor::Workspace::Scope scope(ws);
  float* kt = ws.floats(d * lp).data();  // kᵀ f32 [d, lp], zero past len
  for (std::size_t p = 0; p < d; ++p) std::fill(kt + p * lp + len, kt + (p + 1) * lp, 0.0f);
  for (std::size_t j = 0; j < len; ++j) {
    prefetch_row(h.k, h.ldk, j, len, d);
    prefetch_row(h.q, h.ldq, j, len, d);  // read by the first block of scores
    const float* row = h.k + j * h.ldk;
    for (std::size_t p = 0; p < d; ++p) kt[p * lp + j] = row[p];
  }
  float* s = ws.floats(kRows * lp).data();  // f32 [8, lp]: scores, then e^(s - max)
  const __m512 scale = _mm512_set1_ps(h.scale);
  const auto keys = static_cast<std::ptrdiff_t>(len);
  for (std::size_t i0 = 0; i0 < len; i0 += kRows) {
    const std::size_t rows = std::min(kRows, len - i0);
    // Past the last query, repeat it: the extra rows are computed and dropped.
    const float* q[kRows];
    for (std::size_t r = 0; r < kRows; ++r) q[r] = h.q + std::min(i0 + r, len - 1) * h.ldq;
    __m512 row_max[kRows];
    for (__m512& m : row_max) m = _mm512_set1_ps(-INFINITY);
    std::size_t j0 = 0;
    for (; j0 + 32 <= lp; j0 += 32) {
      scores_f32<2>(q, kt + j0, lp, d, scale, keys - static_cast<std::ptrdiff_t>(j0), s + j0, lp, row_max);
    }
    if (j0 < lp) scores_f32<1>(q, kt + j0, lp, d, scale, keys - static_cast<std::ptrdiff_t>(j0), s + j0, lp, row_max);
    float inv[kRows];
    for (std::size_t r = 0; r < kRows; ++r) {
      inv[r] = 1.0f / exp_row<false>(s + r * lp, len, _mm512_set1_ps(_mm512_reduce_max_ps(row_max[r])));
    }
    for (std::size_t c0 = 0; c0 < d; c0 += 32) {
      values_f32(s, lp, h.v, h.ldv, len, d, c0, inv, h.out + i0 * h.ld_out, h.ld_out, rows);
    }
  }
}

// bf16: products of bf16 pairs accumulated in f32 (VDPBF16PS). A 32-bit word holds two
// bf16 values, the first in its low half; q's words are its bf16 row itself, k's are
// transposed to [d/2, lp] (the pair along head dimensions for each key), v's are
// interleaved to [lp/2, d] (the pair along keys for each dimension), and each probability
// row is a bf16 row again.

// acc + Σ of the products of a's and b's bf16 pairs, lane by lane (VDPBF16PS).
MOLT_AVX512_BF16 inline __m512 dot_bf16(__m512 acc, __m512i a, __m512i b) {
#if defined(__clang__)
  return _mm512_dpbf16_ps(acc, (__m512bh)a, (__m512bh)b);
#else
  // GCC 12 allocates the intrinsic's operands badly (a reload from the stack before every
  // instruction); the instruction itself keeps them in registers.
  asm("vdpbf16ps %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
  return acc;
#endif
}

template <int C>
MOLT_AVX512_BF16 inline void scores_bf16(const std::uint32_t* const* q, const std::uint32_t* kw, std::size_t ld_kw,
                                         std::size_t pairs, __m512 scale, std::ptrdiff_t valid, float* s,
                                         std::size_t lds, __m512* row_max) {
  __m512 acc[kRows][C];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 2
    for (int c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_ps();
  }
  for (std::size_t p = 0; p < pairs; ++p) {
    __m512i kv[C];
#pragma GCC unroll 2
    for (int c = 0; c < C; ++c) kv[c] = _mm512_loadu_si512(kw + p * ld_kw + 16 * c);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < kRows; ++r) {
      const __m512i qv = _mm512_set1_epi32(static_cast<int>(q[r][p]));
#pragma GCC unroll 2
      for (int c = 0; c < C; ++c) acc[r][c] = dot_bf16(acc[r][c], qv, kv[c]);
    }
  }
  store_scores<C>(acc, scale, valid, s, lds, row_max);
}

MOLT_AVX512_BF16 inline void values_bf16(const std::uint32_t* p, std::size_t ldp, const std::uint32_t* vw,
                                         std::size_t ld_vw, std::size_t pairs, std::size_t d, std::size_t c0,
                                         float* out, std::size_t ld_out, std::size_t rows) {
  const __mmask16 m0 = tail_mask(d - c0);
  const __mmask16 m1 = d > c0 + 16 ? tail_mask(d - c0 - 16) : static_cast<__mmask16>(0);
  __m512 acc[kRows][2];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (std::size_t jj = 0; jj < pairs; ++jj) {
    // vw rows are padded to a multiple of 32 columns: whole loads are in bounds.
    const __m512i v0 = _mm512_loadu_si512(vw + jj * ld_vw + c0);
    const __m512i v1 = _mm512_loadu_si512(vw + jj * ld_vw + c0 + 16);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < kRows; ++r) {
      const __m512i pv = _mm512_set1_epi32(static_cast<int>(p[r * ldp + jj]));
      acc[r][0] = dot_bf16(acc[r][0], pv, v0);
      acc[r][1] = dot_bf16(acc[r][1], pv, v1);
    }
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < kRows; ++r) {
    if (r < rows) {
      _mm512_mask_storeu_ps(out + r * ld_out + c0, m0, acc[r][0]);
      _mm512_mask_storeu_ps(out + r * ld_out + c0 + 16, m1, acc[r][1]);
    }
  }
}

// f32 row [n] · scale → bf16 row [n_pad] (zero past n), n_pad a multiple of 32.
MOLT_AVX512 inline void bf16_row(const float* x, std::size_t n, std::size_t n_pad, std::uint16_t* out,
                                 float scale = 1.0f) {
  const __m512 k = _mm512_set1_ps(scale);
  for (std::size_t c = 0; c < n_pad; c += 16) {
    const __m512 v = c < n ? _mm512_mul_ps(_mm512_maskz_loadu_ps(tail_mask(n - c), x + c), k) : _mm512_setzero_ps();
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), avx512::to_bf16(v));
  }
}

// v[j, c..c+16) in bf16, one value per 32-bit lane (zero outside [0, len) × [0, d)).
MOLT_AVX512 inline __m512i bf16_lanes(const AttentionHead& h, std::size_t j, std::size_t c) {
  if (j >= h.len || c >= h.head_dim) return _mm512_setzero_si512();
  return _mm512_cvtepu16_epi32(avx512::to_bf16(_mm512_maskz_loadu_ps(tail_mask(h.head_dim - c), h.v + j * h.ldv + c)));
}

MOLT_AVX512_BF16 void attention_bf16(const AttentionHead& h, tensor::Workspace& ws) {
  const std::size_t len = h.len, d = h.head_dim;
  const std::size_t dp = round_up(d, 32);   // head dimensions, padded: bf16 per q/k row, words per vw row
  const std::size_t lp = round_up(len, 32);  // keys, padded
  const std::size_t d_pairs = dp / 2;
  const tensor::Workspace::Scope scope(ws);
  // Every buffer is a whole number of 64-byte blocks of 32-bit words.
  const auto words = [&ws](std::size_t n) { return reinterpret_cast<std::uint32_t*>(ws.floats(n).data()); };
  std::uint32_t* qw = words(len * d_pairs);  // [len, dp/2]: q rows in bf16
  std::uint32_t* kw = words(d_pairs * lp);   // [dp/2, lp]
  std::uint32_t* vw = words(lp / 2 * dp);    // [lp/2, dp]
  std::uint32_t* pw = words(kRows * lp / 2); // [8, lp/2]: probability rows in bf16
  std::uint32_t* row_words = words(d_pairs);
  float* s = ws.floats(kRows * lp).data();
  for (std::size_t i = 0; i < len; ++i) {
    prefetch_row(h.q, h.ldq, i, len, d);
    bf16_row(h.q + i * h.ldq, d, dp, reinterpret_cast<std::uint16_t*>(qw + i * d_pairs));
  }
  for (std::size_t j = 0; j < lp; ++j) {
    prefetch_row(h.k, h.ldk, j, len, d);
    if (j < len) {
      bf16_row(h.k + j * h.ldk, d, dp, reinterpret_cast<std::uint16_t*>(row_words));
    } else {
      std::fill(row_words, row_words + d_pairs, 0u);
    }
    for (std::size_t p = 0; p < d_pairs; ++p) kw[p * lp + j] = row_words[p];
  }
  for (std::size_t jj = 0; jj < lp / 2; ++jj) {
    prefetch_row(h.v, h.ldv, 2 * jj, len, d);
    prefetch_row(h.v, h.ldv, 2 * jj + 1, len, d);
    for (std::size_t c = 0; c < dp; c += 16) {
      const __m512i pair =
          _mm512_or_si512(bf16_lanes(h, 2 * jj, c), _mm512_slli_epi32(bf16_lanes(h, 2 * jj + 1, c), 16));
      _mm512_storeu_si512(vw + jj * dp + c, pair);
    }
  }
  const __m512 scale = _mm512_set1_ps(h.scale);
  const auto keys = static_cast<std::ptrdiff_t>(len);
  for (std::size_t i0 = 0; i0 < len; i0 += kRows) {
    const std::size_t rows = std::min(kRows, len - i0);
    const std::uint32_t* q[kRows];
    for (std::size_t r = 0; r < kRows; ++r) q[r] = qw + std::min(i0 + r, len - 1) * d_pairs;
    __m512 row_max[kRows];
    for (__m512& m : row_max) m = _mm512_set1_ps(-INFINITY);
    for (std::size_t j0 = 0; j0 < lp; j0 += 32) {
      scores_bf16<2>(q, kw + j0, lp, d_pairs, scale, keys - static_cast<std::ptrdiff_t>(j0), s + j0, lp, row_max);
    }
    for (std::size_t r = 0; r < kRows; ++r) {
      // The probabilities themselves (normalized, then rounded) go into the product, as the
      // precision defines it.
      const float sum = exp_row<true>(s + r * lp, len, _mm512_set1_ps(_mm512_reduce_max_ps(row_max[r])));
      bf16_row(s + r * lp, len, lp, reinterpret_cast<std::uint16_t*>(pw + r * lp / 2), 1.0f / sum);
    }
    for (std::size_t c0 = 0; c0 < d; c0 += 32) {
      values_bf16(pw, lp / 2, vw, dp, (len + 1) / 2, d, c0, h.out + i0 * h.ld_out, h.ld_out, rows);
    }
  }
}

}  // namespace

void attention_head_avx512(const AttentionHead& h, tensor::Workspace& scratch) {
  if (h.len == 0 || h.head_dim == 0) return;
  if (h.precision == Precision::kF32) {
    attention_f32(h, scratch);
  } else if (tensor::cpu_features().avx512_bf16) {
    attention_bf16(h, scratch);
  } else {
    cpu_kernels().attention_head(h, scratch);
  }
}

#else

void attention_head_avx512(const AttentionHead& h, tensor::Workspace& scratch) { cpu_kernels().attention_head(h, scratch); }

#endif

}  // namespace molt::compute::cpu
