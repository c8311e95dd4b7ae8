// The AVX-512 kernel table: packed matrix products through oneDNN (OnednnMatrix) in f32,
// bf16 and int8, with the activations converted or quantized per block of rows right before
// the product and the epilogue (rescale, bias, activation) right after it, while the block
// is in cache; element-wise kernels in 16-lane vectors. Where oneDNN has no fast kernel for a
// precision on this CPU (bf16 without AVX512_BF16, int8 without VNNI), that precision falls
// back to the OpenBLAS table's exact emulation.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "molt/base/check.h"
#include "molt/compute/cpu/avx512_attention.h"
#include "molt/compute/cpu/avx512_math.h"
#include "molt/compute/cpu/onednn_matrix.h"
#include "molt/compute/cpu/rounded_matrix.h"
#include "molt/compute/kernels.h"
#include "molt/compute/quantize.h"
#include "molt/tensor/cpu_features.h"

namespace molt::compute {

#if defined(__x86_64__)

namespace {

using cpu::OnednnMatrix;

// approximate: the result feeds a bf16 or int8 product, whose rounding hides a 5e-7 error.
MOLT_AVX512 __m512 activate(Activation act, __m512 v, bool approximate) {
  switch (act) {
    case Activation::kGeluErf: return approximate ? cpu::avx512::gelu_erf_approx(v) : cpu::avx512::gelu_erf(v);
    case Activation::kGeluTanh: return cpu::avx512::gelu_tanh(v);
    case Activation::kRelu: return _mm512_max_ps(v, _mm512_setzero_ps());
    case Activation::kSilu: return cpu::avx512::times_sigmoid(v, v);
    default: return v;
  }
}

bool vectorized(Activation act) {
  return act == Activation::kIdentity || act == Activation::kGeluErf || act == Activation::kGeluTanh ||
         act == Activation::kRelu || act == Activation::kSilu;
}

MOLT_AVX512 void bias_activation_rows(Activation act, bool approximate, float* x, std::size_t ldx, std::size_t rows,
                                      std::size_t cols, const float* bias) {
  if (!vectorized(act)) {
    // tanh and sigmoid: Dense heads only, one row per text; the baseline loops will do.
    cpu_kernels().bias_activation(act, x, ldx, rows, cols, bias);
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    for (std::size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = cpu::avx512::tail_mask(cols - c);
      __m512 v = _mm512_maskz_loadu_ps(m, row + c);
      if (bias != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + c));
      _mm512_mask_storeu_ps(row + c, m, activate(act, v, approximate));
    }
  }
}

MOLT_AVX512 void bias_activation_avx512(Activation act, float* x, std::size_t ldx, std::size_t rows,
                                        std::size_t cols, const float* bias) {
  bias_activation_rows(act, false, x, ldx, rows, cols, bias);
}

// Σ of 16 floats in double.
MOLT_AVX512 __m512d widen_sum(__m512d acc, __m512 v) {
  acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
  return _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
}

// As the OpenBLAS table: mean and biased variance accumulated in double, two passes.
MOLT_AVX512 void add_layer_norm_avx512(float* x, std::size_t ldx, const float* residual, std::size_t ldr,
                                       std::size_t rows, std::size_t cols, const float* gamma, const float* beta,
                                       float eps) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    __m512d sum = _mm512_setzero_pd();
    for (std::size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = cpu::avx512::tail_mask(cols - c);
      __m512 v = _mm512_maskz_loadu_ps(m, row + c);
      if (residual != nullptr) {
        v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, residual + r * ldr + c));
        _mm512_mask_storeu_ps(row + c, m, v);
      }
      sum = widen_sum(sum, v);
    }
    const double mean = _mm512_reduce_add_pd(sum) / static_cast<double>(cols);
    const __m512d mean_d = _mm512_set1_pd(mean);
    __m512d sq = _mm512_setzero_pd();
    for (std::size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = cpu::avx512::tail_mask(cols - c);
      const __m512 v = _mm512_maskz_loadu_ps(m, row + c);
      const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
      const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
      // Masked-off lanes are 0, not the mean: leave them out of the sum.
      const __m512d dlo = _mm512_maskz_sub_pd(static_cast<__mmask8>(m & 0xff), lo, mean_d);
      const __m512d dhi = _mm512_maskz_sub_pd(static_cast<__mmask8>(m >> 8), hi, mean_d);
      sq = _mm512_fmadd_pd(dlo, dlo, sq);
      sq = _mm512_fmadd_pd(dhi, dhi, sq);
    }
    const double var = _mm512_reduce_add_pd(sq) / static_cast<double>(cols);
    const __m512 inv = _mm512_set1_ps(static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps))));
    const __m512 mean_f = _mm512_set1_ps(static_cast<float>(mean));
    for (std::size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = cpu::avx512::tail_mask(cols - c);
      const __m512 v = _mm512_maskz_loadu_ps(m, row + c);
      const __m512 scaled = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(v, mean_f), inv), _mm512_maskz_loadu_ps(m, gamma + c));
      _mm512_mask_storeu_ps(row + c, m, _mm512_add_ps(scaled, _mm512_maskz_loadu_ps(m, beta + c)));
    }
  }
}

MOLT_AVX512 void softmax_rows_avx512(float* x, std::size_t ldx, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) cpu::avx512::softmax_row(x + r * ldx, cols);
}

// x f32 [m, k] → bf16 [m, k] (dense).
MOLT_AVX512 void rows_to_bf16(const float* x, std::size_t ldx, std::size_t m, std::size_t k, std::uint16_t* out) {
  for (std::size_t i = 0; i < m; ++i) {
    const float* row = x + i * ldx;
    std::uint16_t* dst = out + i * k;
    for (std::size_t c = 0; c < k; c += 16) {
      const __mmask16 mask = cpu::avx512::tail_mask(k - c);
      _mm256_mask_storeu_epi16(dst + c, mask, cpu::avx512::to_bf16(_mm512_maskz_loadu_ps(mask, row + c)));
    }
  }
}

// x f32 [m, k] → uint8 [m, k] (dense) with each row's scale and zero point, exactly as
// quantize_activation_row.
MOLT_AVX512 void quantize_rows_u8(const float* x, std::size_t ldx, std::size_t m, std::size_t k, std::uint8_t* q,
                                  float* scales, float* zero_points) {
  for (std::size_t i = 0; i < m; ++i) {
    const float* row = x + i * ldx;
    // Masked-off lanes load as 0, which the range holds anyway.
    __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
    for (std::size_t c = 0; c < k; c += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(cpu::avx512::tail_mask(k - c), row + c);
      lo = _mm512_min_ps(lo, v);
      hi = _mm512_max_ps(hi, v);
    }
    const ActivationQuant p = activation_quant_params(_mm512_reduce_min_ps(lo), _mm512_reduce_max_ps(hi));
    scales[i] = p.scale;
    zero_points[i] = static_cast<float>(p.zero_point);
    const __m512 scale = _mm512_set1_ps(p.scale), zp = _mm512_set1_ps(static_cast<float>(p.zero_point));
    const __m512 top = _mm512_set1_ps(255.0f);
    std::uint8_t* dst = q + i * k;
    for (std::size_t c = 0; c < k; c += 16) {
      const __mmask16 mask = cpu::avx512::tail_mask(k - c);
      const __m512 v = _mm512_maskz_loadu_ps(mask, row + c);
      __m512 r = _mm512_roundscale_ps(_mm512_div_ps(v, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      r = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(r, zp), _mm512_setzero_ps()), top);
      _mm_mask_storeu_epi8(dst + c, mask, _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(r)));
    }
  }
}

// y[i, c] = act(float(acc[i, c] - zp_i · Σq_w[c]) · (scale_i · scale_w[c]) + bias[c]).
MOLT_AVX512 void dequantize_rows(const std::int32_t* acc, std::size_t ld_acc, std::size_t m, std::size_t n,
                                 const float* scales, const float* zero_points, const float* w_scales,
                                 const std::int32_t* w_sums, const float* bias, Activation act, float* y,
                                 std::size_t ldy) {
  const bool act_here = vectorized(act);
  for (std::size_t i = 0; i < m; ++i) {
    const __m512i zp = _mm512_set1_epi32(static_cast<std::int32_t>(zero_points[i]));
    const __m512 scale = _mm512_set1_ps(scales[i]);
    for (std::size_t c = 0; c < n; c += 16) {
      const __mmask16 mask = cpu::avx512::tail_mask(n - c);
      const __m512i sums = _mm512_maskz_loadu_epi32(mask, w_sums + c);
      const __m512i exact = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(mask, acc + i * ld_acc + c), _mm512_mullo_epi32(zp, sums));
      __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(exact), _mm512_mul_ps(scale, _mm512_maskz_loadu_ps(mask, w_scales + c)));
      if (bias != nullptr) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, bias + c));
      if (act_here) v = activate(act, v, /*approximate=*/true);
      _mm512_mask_storeu_ps(y + i * ldy + c, mask, v);
    }
  }
  if (!act_here) cpu_kernels().bias_activation(act, y, ldy, m, n, nullptr);
}

std::unique_ptr<PackedMatrix> pack_avx512(const float* w, std::size_t n, std::size_t k, Precision precision) {
  const auto& features = tensor::cpu_features();
  // oneDNN's bf16 and int8 kernels without AVX512_BF16 / VNNI emulate them, slowly or (int8,
  // whose 16-bit intermediate sums can saturate) inexactly: use the exact emulation instead.
  const bool native = precision == Precision::kF32 || (precision == Precision::kBF16 && features.avx512_bf16) ||
                      (precision == Precision::kInt8 && features.avx512_vnni);
  if (native) {
    if (auto m = OnednnMatrix::make(avx512_kernels(), w, n, k, precision)) return m;
  }
  return cpu::pack_rounded(avx512_kernels(), w, n, k, precision);
}

void linear_rows_avx512(const LinearRows& a, tensor::Workspace& scratch) {
  const auto* packed = dynamic_cast<const OnednnMatrix*>(a.packed);
  if (packed == nullptr) {
    // No oneDNN form: the OpenBLAS table's f32 product, or its emulation of bf16 and int8.
    cpu_kernels().linear_rows(a, scratch);
    return;
  }
  MOLT_CHECK(packed->precision() == a.precision && packed->cols() == a.k);
  const std::size_t m = a.m, k = a.k, n = a.col_end - a.col_begin;
  const float* bias = a.bias == nullptr ? nullptr : a.bias + a.col_begin;
  const tensor::Workspace::Scope scope(scratch);
  switch (a.precision) {
    case Precision::kF32:
      packed->multiply(m, a.x, a.ldx, a.col_begin, a.col_end, a.y, a.ldy, scratch);
      break;
    case Precision::kBF16: {
      auto* xb = reinterpret_cast<std::uint16_t*>(scratch.floats((m * k + 1) / 2).data());  // bf16 [m, k]
      rows_to_bf16(a.x, a.ldx, m, k, xb);
      packed->multiply(m, xb, k, a.col_begin, a.col_end, a.y, a.ldy, scratch);
      break;
    }
    case Precision::kInt8: {
      auto* xq = reinterpret_cast<std::uint8_t*>(scratch.floats((m * k + 3) / 4).data());  // uint8 [m, k]
      float* scales = scratch.floats(m).data();
      float* zero_points = scratch.floats(m).data();
      auto* acc = reinterpret_cast<std::int32_t*>(scratch.floats(m * n).data());  // int32 [m, n]
      quantize_rows_u8(a.x, a.ldx, m, k, xq, scales, zero_points);
      packed->multiply(m, xq, k, a.col_begin, a.col_end, acc, n, scratch);
      dequantize_rows(acc, n, m, n, scales, zero_points, packed->scales().data() + a.col_begin,
                      packed->sums().data() + a.col_begin, bias, a.act, a.y, a.ldy);
      return;
    }
  }
  // bf16: the activations go into a bf16 product next, so the cheaper GELU is exact enough.
  if (bias != nullptr || a.act != Activation::kIdentity) {
    bias_activation_rows(a.act, a.precision != Precision::kF32, a.y, a.ldy, m, n, bias);
  }
}

Kernels make_table() {
  Kernels t = cpu_kernels();  // OpenBLAS for the plain gemm entries
  t.name = "avx512";
  t.bias_activation = bias_activation_avx512;
  t.add_layer_norm = add_layer_norm_avx512;
  t.softmax_rows = softmax_rows_avx512;
  t.pack_matrix = pack_avx512;
  t.linear_rows = linear_rows_avx512;
  t.row_block = 64;
  t.column_align = OnednnMatrix::kColumnAlign;
  t.attention_head = cpu::attention_head_avx512;
  return t;
}

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels kTable = make_table();
  return kTable;
}

#else

const Kernels& avx512_kernels() { return cpu_kernels(); }

#endif

}  // namespace molt::compute
