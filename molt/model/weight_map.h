// WeightMap: an architecture's tensors under their canonical names (transformers' names
// without any task-head prefix: "embeddings.word_embeddings.weight"), mapped onto the names a
// file stores them under. For safetensors the mapping is a prefix ("bert." for
// BertForMaskedLM and friends); for GGUF it is llama.cpp's renaming ("token_embd.weight",
// GgufTensorNames) — either way the architecture asks for the same canonical names.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/model/weight_source.h"
#include "molt/tensor/tensor.h"

namespace molt::model {

class WeightMap {
 public:
  // canonical name → stored name.
  using Rename = std::function<std::string(std::string_view)>;

  // `configuration` names what the expected shapes come from, in errors ("config.json",
  // "the GGUF metadata").
  WeightMap(const WeightSource& source, Rename rename, std::string configuration = "config.json");

  // Canonical names stored under one of `prefixes`: the first under which `probe` exists is
  // used for every tensor. Throws input_error naming the file and the probe when none does.
  static WeightMap with_prefixes(const WeightSource& source, const std::vector<std::string>& prefixes,
                                 std::string_view probe);

  const WeightSource& source() const { return *source_; }
  // The name `canonical` is stored under. Besides the renaming, old TensorFlow-converted
  // checkpoints store layer norms as "gamma"/"beta", which transformers loads as
  // "weight"/"bias": "X.weight" falls back to "X.gamma" and "X.bias" to "X.beta" when only
  // those exist.
  std::string stored_name(std::string_view canonical) const;
  bool contains(std::string_view canonical) const;

  // The tensor (a view), after checking that it exists and has `shape` — what the model's
  // configuration implies. Throws input_error naming the file and the stored tensor name:
  // "missing tensor", or "shape [384, 30] disagrees with config.json (expected [384, 384])".
  tensor::Tensor require(std::string_view canonical, const tensor::Shape& shape) const;

 private:
  const WeightSource* source_;
  Rename rename_;
  std::string configuration_;
};

}  // namespace molt::model
