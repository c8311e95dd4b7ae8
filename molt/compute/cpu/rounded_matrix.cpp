#include "molt/compute/cpu/rounded_matrix.h"

#include "molt/base/check.h"
#include "molt/compute/cpu/few_rows_product.h"
#include "molt/compute/quantize.h"
#include "molt/tensor/half.h"

namespace molt::compute::cpu {

RoundedMatrix::RoundedMatrix(const Kernels& owner, const float* w, std::size_t n, std::size_t k,
                             Precision precision)
    : PackedMatrix(owner, precision, n, k) {
  MOLT_CHECK(precision != Precision::kF32);
  if (precision == Precision::kBF16) {
    bf16.resize(n * k);
    for (std::size_t i = 0; i < n * k; ++i) bf16[i] = tensor::f32_to_bf16(w[i]);
    return;
  }
  int8.resize(n * k);
  scales.resize(n);
  sums.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const QuantizedRow row = quantize_weight_row(w + r * k, k, int8.data() + r * k);
    scales[r] = row.scale;
    sums[r] = row.sum;
  }
}

void RoundedMatrix::expand_rows(std::size_t r0, std::size_t r1, float* out) const {
  MOLT_CHECK(r0 <= r1 && r1 <= rows());
  const std::size_t begin = r0 * cols(), count = (r1 - r0) * cols();
  if (precision() == Precision::kBF16) {
    for (std::size_t i = 0; i < count; ++i) out[i] = tensor::bf16_to_f32(bf16[begin + i]);
  } else {
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<float>(int8[begin + i]);
  }
}

std::size_t RoundedMatrix::n_bytes() const {
  return bf16.size() * sizeof(std::uint16_t) + int8.size() + scales.size() * sizeof(float) +
         sums.size() * sizeof(std::int32_t);
}

std::unique_ptr<PackedMatrix> pack_rounded(const Kernels& owner, const float* w, std::size_t n, std::size_t k,
                                           Precision precision) {
  if (precision == Precision::kF32) return nullptr;
  return std::make_unique<RoundedMatrix>(owner, w, n, k, precision);
}

void rounded_linear_rows(const LinearRows& a, tensor::Workspace& scratch, GemmNt gemm,
                         decltype(Kernels::bias_activation) bias_activation, bool few_rows) {
  const auto& w = static_cast<const RoundedMatrix&>(*a.packed);
  MOLT_CHECK(a.packed != nullptr && w.precision() == a.precision && w.cols() == a.k);
  const std::size_t m = a.m, k = a.k, n = a.col_end - a.col_begin;
  const tensor::Workspace::Scope scope(scratch);
  const std::span<float> xr = scratch.floats(m * k);  // f32 [m, k]: the rounded activations
  std::span<float> row_scale;
  if (a.precision == Precision::kBF16) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t c = 0; c < k; ++c) xr[i * k + c] = round_to_bf16(a.x[i * a.ldx + c]);
    }
  } else {
    row_scale = scratch.floats(m);
    const std::span<float> qbuf = scratch.floats((k + 3) / 4);  // uint8 [k]
    auto* q = reinterpret_cast<std::uint8_t*>(qbuf.data());
    for (std::size_t i = 0; i < m; ++i) {
      const ActivationQuant p = quantize_activation_row(a.x + i * a.ldx, k, q);
      row_scale[i] = p.scale;
      // q - zero_point: integers in [-255, 255]; their products with the int8 weights are
      // exact in f32, so the product is acc - zero_point · Σ q_w up to f32 summation.
      for (std::size_t c = 0; c < k; ++c) xr[i * k + c] = static_cast<float>(q[c]) - static_cast<float>(p.zero_point);
    }
  }
  if (few_rows) {
    if (a.precision == Precision::kBF16) {
      few_rows_product_bf16(m, n, k, xr.data(), k, w.bf16.data() + a.col_begin * k, k, a.y, a.ldy);
    } else {
      few_rows_product_int8(m, n, k, xr.data(), k, w.int8.data() + a.col_begin * k, k, a.y, a.ldy);
    }
  } else {
    const std::span<float> wf = scratch.floats(n * k);
    w.expand_rows(a.col_begin, a.col_end, wf.data());
    gemm(m, n, k, xr.data(), k, wf.data(), k, a.y, a.ldy, scratch);
  }
  if (a.precision == Precision::kInt8) {
    for (std::size_t i = 0; i < m; ++i) {
      float* y = a.y + i * a.ldy;
      for (std::size_t c = 0; c < n; ++c) y[c] *= row_scale[i] * w.scales[a.col_begin + c];
    }
  }
  if (a.bias != nullptr || a.act != Activation::kIdentity) {
    bias_activation(a.act, a.y, a.ldy, m, n, a.bias == nullptr ? nullptr : a.bias + a.col_begin);
  }
}

}  // namespace molt::compute::cpu
