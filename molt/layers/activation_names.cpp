#include "molt/layers/activation_names.h"

namespace molt::layers {

std::optional<compute::Activation> activation_from_hf_name(std::string_view name) {
  using compute::Activation;
  if (name == "gelu") return Activation::kGeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") {
    return Activation::kGeluTanh;
  }
  if (name == "relu") return Activation::kRelu;
  if (name == "silu" || name == "swish") return Activation::kSilu;
  return std::nullopt;
}

std::string_view known_hf_activations() {
  return "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish";
}

}  // namespace molt::layers
