// The numeric precision an encoder computes in. fp32 is exact to the reference; bf16 and
// int8 trade accuracy for speed and are not implemented yet (load refuses them).
#pragma once

#include <optional>
#include <string_view>

namespace molt::runtime {

enum class Precision { kF32, kBF16, kInt8 };

const char* precision_name(Precision p);  // "fp32", "bf16", "int8"
// "fp32" (also "f32", "float32"), "bf16" ("bfloat16"), "int8"; nullopt otherwise.
std::optional<Precision> parse_precision(std::string_view name);

}  // namespace molt::runtime
