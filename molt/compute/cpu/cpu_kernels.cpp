// The CPU kernels: matrix products through OpenBLAS, called single-threaded (the ops split
// work across molt's pool), and float loops the compiler vectorizes for the baseline ISA.
// Their float formulas are PyTorch's, so they round as the reference implementations do;
// on AVX2 CPUs softmax and GELU-erf run eight lanes at a time (cpu/avx2_elementwise.h) with
// the AVX-512 table's polynomials, within 2 ulp of them.
#include <cblas.h>

#include <cmath>
#include <algorithm>
#include <cstddef>
#include <numbers>
#include <string_view>

#include "molt/compute/blas.h"
#include "molt/compute/cpu/avx2_elementwise.h"
#include "molt/compute/cpu/few_rows_product.h"
#include "molt/compute/cpu/rounded_matrix.h"
#include "molt/compute/kernels.h"
#include "molt/compute/quantize.h"
#include "molt/tensor/cpu_features.h"

namespace molt::compute {
namespace {

int as_int(std::size_t v) { return static_cast<int>(v); }

void gemm_blas(CBLAS_TRANSPOSE trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
               const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
               std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b, as_int(m), as_int(n), as_int(k), alpha, a, as_int(lda), b,
              as_int(ldb), beta, c, as_int(ldc));
}

void gemm_nt_blas(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc) {
  gemm_blas(CblasTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// OpenBLAS (0.3.21, Skylake-X and later kernels) computes small products through a separate
// "small matrix" kernel whose rounding differs from its blocked one: in our row-major
// x · Wᵀ (its column-major "TN" case) when m·n <= 1200, k >= 32 and m·n·k <= 10⁶. Above
// that, every row is computed identically whatever m. Padding a call to the first m past
// the small-kernel region keeps a row's result independent of its batch. (Verified row by
// row against OpenBLAS for m up to 200 over k, n in 16..3072; the invariance tests hold it.)
// Its Haswell kernels (chosen on AVX2 CPUs, AMD's included) round a row by its place in
// the blocks of rows they compute together, so no padding makes a row's bits independent
// of its batch there: 0 says so, and rows then differ across batches in the last bits only
// (the invariance tests bound it).
std::size_t uniform_rows_blas(std::size_t n, std::size_t k) {
  static const bool skylake_family = [] {
    const std::string_view core = blas_core_name();
    return core == "SkylakeX" || core == "Cooperlake" || core == "SapphireRapids";
  }();
  if (!skylake_family) return 0;
  if (k < 32 || n == 0) return 1;
  const std::size_t by_area = 1200 / n + 1;
  const std::size_t by_volume = static_cast<std::size_t>(1e6 / (static_cast<double>(n) * static_cast<double>(k))) + 1;
  return std::min(by_area, by_volume);
}

void gemm_nn_blas(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc) {
  gemm_blas(CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <class F>
void map_rows(float* x, std::size_t ldx, std::size_t rows, std::size_t cols, const float* bias, F f) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    if (bias != nullptr) {
      for (std::size_t c = 0; c < cols; ++c) row[c] = f(row[c] + bias[c]);
    } else {
      for (std::size_t c = 0; c < cols; ++c) row[c] = f(row[c]);
    }
  }
}

// Calls use(f) with the activation's float function, as PyTorch computes it.
template <class Use>
void with_activation(Activation act, Use use) {
  constexpr float kSqrtHalf = 0.70710678118654752440f;
  constexpr float kSqrt2OverPi = 0.79788456080286535588f;  // √(2/π)
  switch (act) {
    case Activation::kIdentity:
      use([](float v) { return v; });
      return;
    case Activation::kGeluErf:
      use([](float v) { return v * 0.5f * (1.0f + std::erf(v * kSqrtHalf)); });
      return;
    case Activation::kGeluTanh:
      use([](float v) { return 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v))); });
      return;
    case Activation::kRelu:
      use([](float v) { return v > 0.0f ? v : 0.0f; });
      return;
    case Activation::kSilu:
      use([](float v) { return v / (1.0f + std::exp(-v)); });
      return;
    case Activation::kTanh:
      use([](float v) { return std::tanh(v); });
      return;
    case Activation::kSigmoid:
      use([](float v) { return 1.0f / (1.0f + std::exp(-v)); });
      return;
  }
}

void bias_activation_cpu(Activation act, float* x, std::size_t ldx, std::size_t rows,
                         std::size_t cols, const float* bias) {
  if (act == Activation::kIdentity && bias == nullptr) return;
  if (act == Activation::kGeluErf && tensor::cpu_features().avx2_fma()) {
    cpu::avx2_bias_gelu_erf(x, ldx, rows, cols, bias);
    return;
  }
  with_activation(act, [&](auto f) { map_rows(x, ldx, rows, cols, bias, f); });
}

void gated_activation_cpu(Activation act, float* x, std::size_t ldx, const float* gate, std::size_t ldg,
                          std::size_t rows, std::size_t cols) {
  with_activation(act, [&](auto f) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* row = x + r * ldx;
      const float* g = gate + r * ldg;
      for (std::size_t c = 0; c < cols; ++c) row[c] *= f(g[c]);
    }
  });
}

// In float, as PyTorch's x · cos + rotate_half(x) · sin: two rounded products, one rounded sum.
void rotary_cpu(float* x, std::size_t ldx, std::size_t rows, std::size_t n_heads, std::size_t head_dim,
                std::size_t rotary_dim, bool interleaved, const float* cos, const float* sin,
                std::size_t ld_table) {
  const std::size_t half = rotary_dim / 2;
  const std::size_t stride = interleaved ? 2 : 1;        // from one pair to the next
  const std::size_t partner = interleaved ? 1 : half;    // from a to b within a pair
  for (std::size_t r = 0; r < rows; ++r) {
    const float* c = cos + r * ld_table;
    const float* s = sin + r * ld_table;
    for (std::size_t h = 0; h < n_heads; ++h) {
      float* head = x + r * ldx + h * head_dim;
      for (std::size_t i = 0; i < half; ++i) {
        float* a = head + i * stride;
        float* b = a + partner;
        const float av = *a, bv = *b;
        *a = av * c[i] - bv * s[i];
        *b = bv * c[i] + av * s[i];
      }
    }
  }
}

void add_layer_norm_cpu(float* x, std::size_t ldx, const float* residual, std::size_t ldr,
                        std::size_t rows, std::size_t cols, const float* gamma,
                        const float* beta, float eps) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    if (residual != nullptr) {
      const float* res = residual + r * ldr;
      for (std::size_t c = 0; c < cols; ++c) row[c] += res[c];
    }
    // Two passes with double accumulators: the mean and variance as exact as float input
    // allows, whatever the row's magnitude.
    double sum = 0.0;
    for (std::size_t c = 0; c < cols; ++c) sum += row[c];
    const double mean = sum / static_cast<double>(cols);
    double sq = 0.0;
    for (std::size_t c = 0; c < cols; ++c) {
      const double d = row[c] - mean;
      sq += d * d;
    }
    const double var = sq / static_cast<double>(cols);
    const auto inv = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
    const auto mean_f = static_cast<float>(mean);
    for (std::size_t c = 0; c < cols; ++c) row[c] = (row[c] - mean_f) * inv * gamma[c] + beta[c];
  }
}

void softmax_rows_cpu(float* x, std::size_t ldx, std::size_t rows, std::size_t cols) {
  if (tensor::cpu_features().avx2_fma()) {
    cpu::avx2_softmax_rows(x, ldx, rows, cols);
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    float max = -INFINITY;
    for (std::size_t c = 0; c < cols; ++c) max = row[c] > max ? row[c] : max;
    float sum = 0.0f;
    for (std::size_t c = 0; c < cols; ++c) {
      row[c] = std::exp(row[c] - max);
      sum += row[c];
    }
    const float inv = 1.0f / sum;
    for (std::size_t c = 0; c < cols; ++c) row[c] *= inv;
  }
}

// c = a · bᵀ with calls of too few rows for OpenBLAS's uniform path padded with zero rows
// (a few rows at most for real model widths), so that these rows round as in any larger
// batch.
// Where the BLAS's rows are not uniform anyway, a few rows go through the kernel that packs
// nothing (cpu/few_rows_product.h): a short query's products without OpenBLAS's copy of
// every weight.
bool use_few_rows(std::size_t m, std::size_t n, std::size_t k) {
  return tensor::cpu_features().avx2_fma() && m <= cpu::kFewRowsMax && uniform_rows_blas(n, k) == 0;
}

void gemm_nt_uniform(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                     std::size_t ldb, float* c, std::size_t ldc, tensor::Workspace& scratch) {
  if (use_few_rows(m, n, k)) {
    cpu::few_rows_product(m, n, k, a, lda, b, ldb, c, ldc);
    return;
  }
  const std::size_t uniform = uniform_rows_blas(n, k);
  if (m >= uniform || uniform == 0) {
    gemm_nt_blas(m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    return;
  }
  const tensor::Workspace::Scope scope(scratch);
  const std::span<float> padded_a = scratch.floats(uniform * k), padded_c = scratch.floats(uniform * n);
  std::fill(padded_a.begin(), padded_a.end(), 0.0f);
  for (std::size_t r = 0; r < m; ++r) std::copy_n(a + r * lda, k, padded_a.data() + r * k);
  gemm_nt_blas(uniform, n, k, 1.0f, padded_a.data(), k, b, ldb, 0.0f, padded_c.data(), n);
  for (std::size_t r = 0; r < m; ++r) std::copy_n(padded_c.data() + r * n, n, c + r * ldc);
}

std::unique_ptr<PackedMatrix> pack_cpu(const float* w, std::size_t n, std::size_t k, Precision precision) {
  return cpu::pack_rounded(cpu_kernels(), w, n, k, precision);
}

void linear_rows_cpu(const LinearRows& a, tensor::Workspace& scratch) {
  if (a.precision != Precision::kF32) {
    cpu::rounded_linear_rows(a, scratch, gemm_nt_uniform, bias_activation_cpu,
                             use_few_rows(a.m, a.col_end - a.col_begin, a.k));
    return;
  }
  const std::size_t n = a.col_end - a.col_begin;
  gemm_nt_uniform(a.m, n, a.k, a.x, a.ldx, a.w + a.col_begin * a.k, a.k, a.y, a.ldy, scratch);
  if (a.bias != nullptr || a.act != Activation::kIdentity) {
    bias_activation_cpu(a.act, a.y, a.ldy, a.m, n, a.bias == nullptr ? nullptr : a.bias + a.col_begin);
  }
}

// q·kᵀ, softmax and p·v through OpenBLAS; in bf16 on rounded copies of q, k, v and p.
void attention_head_cpu(const AttentionHead& h, tensor::Workspace& scratch) {
  const std::size_t len = h.len, d = h.head_dim;
  const tensor::Workspace::Scope scope(scratch);
  const std::span<float> scores = scratch.floats(len * len);  // f32 [len, len]
  const float *q = h.q, *k = h.k, *v = h.v;
  std::size_t ldq = h.ldq, ldk = h.ldk, ldv = h.ldv;
  const bool bf16 = h.precision == Precision::kBF16;
  if (bf16) {
    const auto rounded = [&](const float* src, std::size_t ld) {
      const std::span<float> dst = scratch.floats(len * d);
      for (std::size_t i = 0; i < len; ++i) {
        for (std::size_t c = 0; c < d; ++c) dst[i * d + c] = round_to_bf16(src[i * ld + c]);
      }
      return dst.data();
    };
    q = rounded(h.q, h.ldq);
    k = rounded(h.k, h.ldk);
    v = rounded(h.v, h.ldv);
    ldq = ldk = ldv = d;
  }
  gemm_nt_blas(len, len, d, h.scale, q, ldq, k, ldk, 0.0f, scores.data(), len);
  softmax_rows_cpu(scores.data(), len, len, len);
  if (bf16) {
    for (float& p : scores) p = round_to_bf16(p);
  }
  gemm_nn_blas(len, d, len, 1.0f, scores.data(), len, v, ldv, 0.0f, h.out, h.ld_out);
}

}  // namespace

const Kernels& cpu_kernels() {
  static constexpr Kernels kTable = {
      .name = "cpu",
      .gemm_nt = gemm_nt_blas,
      .gemm_nt_uniform_rows = uniform_rows_blas,
      .gemm_nn = gemm_nn_blas,
      .bias_activation = bias_activation_cpu,
      .add_layer_norm = add_layer_norm_cpu,
      .softmax_rows = softmax_rows_cpu,
      .pack_matrix = pack_cpu,
      .linear_rows = linear_rows_cpu,
      .row_block = 256,
      .column_align = 16,
      .attention_head = attention_head_cpu,
      .rotary = rotary_cpu,
      .gated_activation = gated_activation_cpu,
  };
  return kTable;
}

}  // namespace molt::compute
