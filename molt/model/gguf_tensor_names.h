// GgufTensorNames: the renaming from an architecture's canonical tensor names (transformers'
// names, e.g. "encoder.layer.3.attention.self.query.weight") to the names llama.cpp's
// converter writes into a GGUF file ("blk.3.attn_q.weight"), as a table of module patterns
// in which "{}" stands for a layer number. Used as a WeightMap's Rename.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace molt::model {

class GgufTensorNames {
 public:
  // Pairs (canonical module, GGUF module), e.g. {"encoder.layer.{}.attention.self.query",
  // "blk.{}.attn_q"}; at most one "{}" in each, in both or neither.
  using Table = std::vector<std::pair<std::string, std::string>>;

  explicit GgufTensorNames(Table table);

  // "<module>.<param>" → "<gguf module>.<param>" (param: weight, bias). A name no pattern
  // matches is returned unchanged (and is then reported missing, under that name).
  std::string operator()(std::string_view canonical) const;

 private:
  Table table_;
};

}  // namespace molt::model
