// The element-wise activation functions of molt's models, computed as PyTorch computes them.
#pragma once

#include <string_view>

namespace molt::compute {

enum class Activation {
  kIdentity,
  kGeluErf,   // x/2 (1 + erf(x/√2)): transformers' "gelu", torch.nn.GELU()
  kGeluTanh,  // x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))): "gelu_new", "gelu_pytorch_tanh"
  kRelu,
  kSilu,      // x · sigmoid(x): "silu", "swish"
  kTanh,      // sentence-transformers' Dense default (torch.nn.Tanh)
  kSigmoid,
};

const char* activation_name(Activation a);  // "gelu", "gelu_tanh", "relu", ...

}  // namespace molt::compute
