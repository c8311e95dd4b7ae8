// The reduced-precision number formats of compute/precision.h, defined exactly: one scalar
// function per rounding. Every kernel table rounds the same way (the SIMD kernels bit for
// bit), so precisions differ between tables only by the order of their f32 sums.
//
//  - bf16: round to nearest, ties to even (tensor::f32_to_bf16, as PyTorch's .bfloat16()).
//  - int8 weights, per output channel (row of w [n, k]): scale = max|w_row| / 127,
//    q = clamp(nearbyint(w / scale), -127, 127); an all-zero row has scale 1.
//  - uint8 activations, per token (row of x [m, k]): the row's range widened to hold 0,
//    lo = min(0, min x), hi = max(0, max x); scale = (hi - lo) / 255 (1 when hi == lo),
//    zero_point = clamp(nearbyint(-lo / scale), 0, 255), q = clamp(nearbyint(x / scale) +
//    zero_point, 0, 255), so that x ≈ scale · (q - zero_point) and 0 is exact.
//  - An int8 product row·column then is, exactly in int32,
//    Σ q_x·q_w = acc, and x·w ≈ scale_x · scale_w · (acc - zero_point · Σ q_w).
// All divisions and roundings are IEEE f32 (nearbyint in the default rounding mode), so a
// SIMD kernel that uses the same operations gets the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace molt::compute {

// One weight row [k] → q [k], its scale and Σ q (the zero-point correction's factor).
struct QuantizedRow {
  float scale = 1.0f;
  std::int32_t sum = 0;
};
QuantizedRow quantize_weight_row(const float* w, std::size_t k, std::int8_t* q);

// One activation row [k] → q [k], its scale and zero point.
struct ActivationQuant {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};
ActivationQuant quantize_activation_row(const float* x, std::size_t k, std::uint8_t* q);

// The row's quantization parameters from its extremes (what quantize_activation_row uses;
// SIMD kernels find lo and hi their own way and call this).
ActivationQuant activation_quant_params(float lo, float hi);

// v rounded to bfloat16 and widened back to f32.
float round_to_bf16(float v);

}  // namespace molt::compute
