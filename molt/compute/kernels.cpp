// The one place that chooses kernels at run time.
#include "molt/compute/kernels.h"

namespace molt::compute {

// One CPU table today; per-ISA tables (AVX-512, AMX) are chosen here from
// tensor::cpu_features() when they exist.
const Kernels& default_kernels() { return cpu_kernels(); }

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
