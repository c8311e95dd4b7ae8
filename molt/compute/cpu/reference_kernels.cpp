// The reference kernels: plain loops with double accumulation, written to be obviously
// right rather than fast. They are the oracle every other kernel table is tested against.
#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "molt/base/check.h"
#include "molt/compute/cpu/rounded_matrix.h"
#include "molt/compute/kernels.h"
#include "molt/compute/quantize.h"

namespace molt::compute {
namespace {

// c[m, n] = alpha · a[m, k] · B + beta · c, where B's element (p, j) is b[p · p_stride + j · j_stride]:
// the two layouts gemm_nt and gemm_nn read.
void gemm_ref(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
              const float* b, std::size_t p_stride, std::size_t j_stride, float beta, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (std::size_t p = 0; p < k; ++p) {
        sum += static_cast<double>(a[i * lda + p]) * static_cast<double>(b[p * p_stride + j * j_stride]);
      }
      const double prior = beta == 0.0f ? 0.0 : static_cast<double>(beta) * c[i * ldc + j];
      c[i * ldc + j] = static_cast<float>(static_cast<double>(alpha) * sum + prior);
    }
  }
}

void gemm_nt_ref(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                 std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                 std::size_t ldc) {
  gemm_ref(m, n, k, alpha, a, lda, b, 1, ldb, beta, c, ldc);
}

void gemm_nn_ref(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                 std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                 std::size_t ldc) {
  gemm_ref(m, n, k, alpha, a, lda, b, ldb, 1, beta, c, ldc);
}

std::size_t uniform_rows_ref(std::size_t, std::size_t) { return 1; }

double activate_ref(Activation act, double x) {
  switch (act) {
    case Activation::kIdentity: return x;
    case Activation::kGeluErf: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case Activation::kGeluTanh: {
      const double inner = std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x);
      return 0.5 * x * (1.0 + std::tanh(inner));
    }
    case Activation::kRelu: return x > 0.0 ? x : 0.0;
    case Activation::kSilu: return x / (1.0 + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
  }
  return x;
}

void bias_activation_ref(Activation act, float* x, std::size_t ldx, std::size_t rows,
                         std::size_t cols, const float* bias) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    for (std::size_t c = 0; c < cols; ++c) {
      // The bias is added in float, as the framework's linear layer adds it.
      const float v = bias == nullptr ? row[c] : row[c] + bias[c];
      row[c] = static_cast<float>(activate_ref(act, static_cast<double>(v)));
    }
  }
}

void add_layer_norm_ref(float* x, std::size_t ldx, const float* residual, std::size_t ldr,
                        std::size_t rows, std::size_t cols, const float* gamma,
                        const float* beta, float eps) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    if (residual != nullptr) {
      for (std::size_t c = 0; c < cols; ++c) row[c] += residual[r * ldr + c];
    }
    double mean = 0.0;
    for (std::size_t c = 0; c < cols; ++c) mean += row[c];
    mean /= static_cast<double>(cols);
    double var = 0.0;
    for (std::size_t c = 0; c < cols; ++c) var += (row[c] - mean) * (row[c] - mean);
    var /= static_cast<double>(cols);
    const double inv = 1.0 / std::sqrt(var + static_cast<double>(eps));
    for (std::size_t c = 0; c < cols; ++c) {
      row[c] = static_cast<float>((row[c] - mean) * inv * gamma[c] + beta[c]);
    }
  }
}

void softmax_rows_ref(float* x, std::size_t ldx, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * ldx;
    double max = -INFINITY;
    for (std::size_t c = 0; c < cols; ++c) max = std::fmax(max, static_cast<double>(row[c]));
    double sum = 0.0;
    for (std::size_t c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(row[c]) - max);
    for (std::size_t c = 0; c < cols; ++c) {
      row[c] = static_cast<float>(std::exp(static_cast<double>(row[c]) - max) / sum);
    }
  }
}

std::unique_ptr<PackedMatrix> pack_ref(const float* w, std::size_t n, std::size_t k, Precision precision) {
  return cpu::pack_rounded(reference_kernels(), w, n, k, precision);
}

// The definition of each precision's linear layer (compute/quantize.h), in double.
void linear_rows_ref(const LinearRows& a, tensor::Workspace& scratch) {
  const std::size_t m = a.m, k = a.k, n = a.col_end - a.col_begin;
  const tensor::Workspace::Scope scope(scratch);
  if (a.precision == Precision::kF32) {
    gemm_nt_ref(m, n, k, 1.0f, a.x, a.ldx, a.w + a.col_begin * k, k, 0.0f, a.y, a.ldy);
  } else {
    const auto& w = static_cast<const cpu::RoundedMatrix&>(*a.packed);
    MOLT_CHECK(a.packed != nullptr && w.precision() == a.precision);
    std::vector<float> xr(k), wr(k);
    std::vector<std::uint8_t> q(k);
    for (std::size_t i = 0; i < m; ++i) {
      const float* x = a.x + i * a.ldx;
      ActivationQuant p;
      if (a.precision == Precision::kBF16) {
        for (std::size_t c = 0; c < k; ++c) xr[c] = round_to_bf16(x[c]);
      } else {
        p = quantize_activation_row(x, k, q.data());
      }
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t r = a.col_begin + j;
        w.expand_rows(r, r + 1, wr.data());
        double out = 0.0;
        if (a.precision == Precision::kBF16) {
          for (std::size_t c = 0; c < k; ++c) out += static_cast<double>(xr[c]) * static_cast<double>(wr[c]);
        } else {
          std::int64_t acc = 0;
          for (std::size_t c = 0; c < k; ++c) acc += static_cast<std::int64_t>(q[c]) * static_cast<std::int64_t>(wr[c]);
          acc -= static_cast<std::int64_t>(p.zero_point) * w.sums[r];
          out = static_cast<double>(p.scale) * static_cast<double>(w.scales[r]) * static_cast<double>(acc);
        }
        a.y[i * a.ldy + j] = static_cast<float>(out);
      }
    }
  }
  if (a.bias != nullptr || a.act != Activation::kIdentity) {
    bias_activation_ref(a.act, a.y, a.ldy, m, n, a.bias == nullptr ? nullptr : a.bias + a.col_begin);
  }
}

// softmax(scale · q kᵀ) v in double; in bf16, q, k, v and the probabilities rounded first.
void attention_head_ref(const AttentionHead& h, tensor::Workspace& scratch) {
  const std::size_t len = h.len, d = h.head_dim;
  const bool bf16 = h.precision == Precision::kBF16;
  const auto value = [&](const float* base, std::size_t ld, std::size_t i, std::size_t c) {
    const float v = base[i * ld + c];
    return static_cast<double>(bf16 ? round_to_bf16(v) : v);
  };
  const tensor::Workspace::Scope scope(scratch);
  const std::span<float> p = scratch.floats(len);  // one row of probabilities
  std::vector<double> s(len);
  for (std::size_t i = 0; i < len; ++i) {
    double max = -INFINITY;
    for (std::size_t j = 0; j < len; ++j) {
      double dot = 0.0;
      for (std::size_t c = 0; c < d; ++c) dot += value(h.q, h.ldq, i, c) * value(h.k, h.ldk, j, c);
      s[j] = static_cast<double>(static_cast<float>(static_cast<double>(h.scale) * dot));
      max = std::fmax(max, s[j]);
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < len; ++j) sum += std::exp(s[j] - max);
    for (std::size_t j = 0; j < len; ++j) {
      p[j] = static_cast<float>(std::exp(s[j] - max) / sum);
      if (bf16) p[j] = round_to_bf16(p[j]);
    }
    for (std::size_t c = 0; c < d; ++c) {
      double out = 0.0;
      for (std::size_t j = 0; j < len; ++j) out += static_cast<double>(p[j]) * value(h.v, h.ldv, j, c);
      h.out[i * h.ld_out + c] = static_cast<float>(out);
    }
  }
}

void gated_activation_ref(Activation act, float* x, std::size_t ldx, const float* gate, std::size_t ldg,
                          std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      float& v = x[r * ldx + c];
      v = static_cast<float>(static_cast<double>(v) * activate_ref(act, static_cast<double>(gate[r * ldg + c])));
    }
  }
}

void rotary_ref(float* x, std::size_t ldx, std::size_t rows, std::size_t n_heads, std::size_t head_dim,
                std::size_t rotary_dim, bool interleaved, const float* cos, const float* sin,
                std::size_t ld_table) {
  const std::size_t half = rotary_dim / 2;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t h = 0; h < n_heads; ++h) {
      float* head = x + r * ldx + h * head_dim;
      for (std::size_t i = 0; i < half; ++i) {
        const std::size_t ia = interleaved ? 2 * i : i;
        const std::size_t ib = interleaved ? 2 * i + 1 : i + half;
        const double a = head[ia], b = head[ib];
        const double c = cos[r * ld_table + i], s = sin[r * ld_table + i];
        head[ia] = static_cast<float>(a * c - b * s);
        head[ib] = static_cast<float>(b * c + a * s);
      }
    }
  }
}

}  // namespace

const Kernels& reference_kernels() {
  static constexpr Kernels kTable = {
      .name = "reference",
      .gemm_nt = gemm_nt_ref,
      .gemm_nt_uniform_rows = uniform_rows_ref,
      .gemm_nn = gemm_nn_ref,
      .bias_activation = bias_activation_ref,
      .add_layer_norm = add_layer_norm_ref,
      .softmax_rows = softmax_rows_ref,
      .pack_matrix = pack_ref,
      .linear_rows = linear_rows_ref,
      .row_block = 64,
      .column_align = 1,
      .attention_head = attention_head_ref,
      .rotary = rotary_ref,
      .gated_activation = gated_activation_ref,
  };
  return kTable;
}

}  // namespace molt::compute
