// The activation names of transformers' configurations (config.json "hidden_act", ACT2FN's
// keys) that molt computes, mapped onto compute::Activation.
#pragma once

#include <optional>
#include <string_view>

#include "molt/compute/activation.h"

namespace molt::layers {

// "gelu" → exact erf GELU; "gelu_new", "gelu_pytorch_tanh", "gelu_fast" → tanh GELU (the
// same function); "relu"; "silu", "swish". nullopt for any other name.
std::optional<compute::Activation> activation_from_hf_name(std::string_view name);

// The names activation_from_hf_name accepts, for error messages.
std::string_view known_hf_activations();

}  // namespace molt::layers
