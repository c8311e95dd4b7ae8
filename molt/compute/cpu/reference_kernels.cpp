// The reference kernels: plain loops with double accumulation, written to be obviously
// right rather than fast. They are the oracle every other kernel table is tested against.
#include <cmath>
#include <cstddef>
#include <numbers>

#include "molt/compute/kernels.h"

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
  };
  return kTable;
}

}  // namespace molt::compute
