// The Dense module of a sentence-transformers model (e.g. 2_Dense/): a linear layer with an
// activation applied to the pooled sentence embedding, read as Dense.load reads it:
// config.json {in_features, out_features, bias, activation_function} and the weights
// linear.weight [out, in], linear.bias [out] from model.safetensors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "molt/formats/safetensors.h"
#include "molt/model/json_config.h"
#include "molt/tensor/tensor.h"

namespace molt::model {

// The torch.nn activation classes sentence-transformers' Dense may name.
enum class DenseActivation { kIdentity, kTanh, kRelu, kSigmoid, kGelu, kSilu };

struct DenseModule {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool has_bias = true;
  DenseActivation activation = DenseActivation::kTanh;
  std::string activation_name;        // as config.json writes it
  std::filesystem::path folder;
  // The weights: views into `file`, which this module keeps mapped.
  std::shared_ptr<const formats::SafetensorsFile> file;
  tensor::Tensor weight;  // [out_features, in_features]
  tensor::Tensor bias;    // [out_features]; empty when !has_bias
};

// Reads `folder`/config.json and `folder`/model.safetensors. activation_function is a torch
// class path ("torch.nn.modules.activation.Tanh", default Tanh); Identity, Tanh, ReLU,
// Sigmoid, GELU and SiLU are known. A folder holding only pytorch_model.bin is refused with
// a hint to convert it (molt never unpickles). Throws input_error naming file, field and
// tensor for anything else wrong, shapes included.
DenseModule load_dense_module(const std::filesystem::path& folder);

}  // namespace molt::model
