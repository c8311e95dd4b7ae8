// The one place that chooses kernels at run time.
#include "molt/compute/kernels.h"

#include "molt/tensor/cpu_features.h"

namespace molt::compute {

// AVX-512 (with oneDNN) where the CPU has it, else OpenBLAS and baseline loops. Later tables
// (AMX, other devices) are chosen here too.
const Kernels& default_kernels() {
  static const Kernels& chosen = tensor::cpu_features().avx512_core() ? avx512_kernels() : cpu_kernels();
  return chosen;
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kIdentity: return "identity";
    case Activation::kGeluErf: return "gelu";
    case Activation::kGeluTanh: return "gelu_tanh";
    case Activation::kRelu: return "relu";
    case Activation::kSilu: return "silu";
    case Activation::kTanh: return "tanh";
    case Activation::kSigmoid: return "sigmoid";
  }
  return "?";
}

}  // namespace molt::compute
