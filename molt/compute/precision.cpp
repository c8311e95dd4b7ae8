#include "molt/compute/precision.h"

namespace molt::compute {

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::kF32: return "fp32";
    case Precision::kBF16: return "bf16";
    case Precision::kInt8: return "int8";
  }
  return "?";
}

std::optional<Precision> parse_precision(std::string_view name) {
  if (name == "fp32" || name == "f32" || name == "float32") return Precision::kF32;
  if (name == "bf16" || name == "bfloat16") return Precision::kBF16;
  if (name == "int8") return Precision::kInt8;
  return std::nullopt;
}

Precision attention_precision(Precision p) { return p == Precision::kInt8 ? Precision::kBF16 : p; }

}  // namespace molt::compute
