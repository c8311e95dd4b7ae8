// Precision: the number format the matrix products of a run use. fp32 is exact to the
// reference implementations; bf16 and int8 trade a bounded accuracy loss for speed:
//  - kBF16: weights and the activations entering each product rounded to bfloat16 (nearest,
//    ties to even), products accumulated in f32; attention's q·kᵀ and p·v likewise.
//  - kInt8: weights quantized per output channel (symmetric int8, scale = max|w| / 127),
//    the activations entering each product per token (asymmetric uint8 with a zero point,
//    scale = range / 255), integer products accumulated exactly in int32, then rescaled in
//    f32; attention computes in bf16.
// Everything between products (bias, activations, softmax, layer norm, residuals) stays f32.
// compute/quantize.h defines each rounding exactly; every kernel table follows it.
#pragma once

#include <optional>
#include <string_view>

namespace molt::compute {

enum class Precision { kF32, kBF16, kInt8 };

const char* precision_name(Precision p);  // "fp32", "bf16", "int8"
// "fp32" (also "f32", "float32"), "bf16" ("bfloat16"), "int8"; nullopt otherwise.
std::optional<Precision> parse_precision(std::string_view name);

// The format attention's own products (q·kᵀ, p·v) use in a run of precision p: int8 runs
// them in bf16, since its per-token quantization does not suit softmax probabilities.
Precision attention_precision(Precision p);

}  // namespace molt::compute
