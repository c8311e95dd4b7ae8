#include "molt/compute/quantize.h"

#include <algorithm>
#include <cmath>

#include "molt/tensor/half.h"

namespace molt::compute {

QuantizedRow quantize_weight_row(const float* w, std::size_t k, std::int8_t* q) {
  float amax = 0.0f;
  for (std::size_t i = 0; i < k; ++i) amax = std::max(amax, std::fabs(w[i]));
  QuantizedRow r;
  r.scale = amax > 0.0f ? amax / 127.0f : 1.0f;
  for (std::size_t i = 0; i < k; ++i) {
    const float v = std::clamp(std::nearbyint(w[i] / r.scale), -127.0f, 127.0f);
    q[i] = static_cast<std::int8_t>(v);
    r.sum += q[i];
  }
  return r;
}

ActivationQuant activation_quant_params(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  ActivationQuant a;
  a.scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  // -lo / scale lies in [0, 255] up to rounding; the clamp keeps it there.
  a.zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-lo / a.scale), 0.0f, 255.0f));
  return a;
}

ActivationQuant quantize_activation_row(const float* x, std::size_t k, std::uint8_t* q) {
  float lo = 0.0f, hi = 0.0f;
  for (std::size_t i = 0; i < k; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const ActivationQuant a = activation_quant_params(lo, hi);
  const auto zp = static_cast<float>(a.zero_point);
  for (std::size_t i = 0; i < k; ++i) {
    q[i] = static_cast<std::uint8_t>(std::clamp(std::nearbyint(x[i] / a.scale) + zp, 0.0f, 255.0f));
  }
  return a;
}

float round_to_bf16(float v) { return tensor::bf16_to_f32(tensor::f32_to_bf16(v)); }

}  // namespace molt::compute
