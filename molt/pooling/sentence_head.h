// SentenceHead: everything after the encoder, written once for every architecture (STYLE
// rule 7) — token pooling, then the Dense and Normalize modules in modules.json's order,
// then Matryoshka truncation when a smaller dimension is asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "molt/compute/ops.h"
#include "molt/model/sentence_transformers.h"
#include "molt/pooling/dense_head.h"
#include "molt/pooling/matryoshka.h"
#include "molt/pooling/token_pooler.h"
#include "molt/tensor/workspace.h"

namespace molt::pooling {

class SentenceHead {
 public:
  // `pooling`: the model's Pooling module (or the default mean pooling); `heads`: the modules
  // after it. Throws input_error naming the Dense module's config.json when its
  // in_features disagrees with the width it receives.
  SentenceHead(const model::PoolingConfig& pooling, const std::vector<model::HeadModule>& heads,
               model::MatryoshkaPreStep pre_step);

  std::size_t input_dim() const { return pooler_.input_dim(); }  // token state width
  std::size_t output_dim() const { return output_dim_; }         // full sentence vector width
  bool normalizes() const { return normalizes_; }
  // "mean", "cls", "mean -> Dense(768->512, tanh) -> Normalize".
  std::string describe() const;

  // states f32 [n_tokens, input_dim()] of packed sequences → out f32 [n_seqs, dim], where
  // dim = out.cols <= output_dim() (a smaller dim is Matryoshka truncation).
  // prompt_lengths: [n_seqs] or empty (see TokenPooler). Scratch from `ws`.
  void apply(const compute::Context& ctx, compute::ConstMatrixView states,
             std::span<const std::uint32_t> offsets, std::span<const std::uint32_t> prompt_lengths,
             tensor::Workspace& ws, compute::MatrixView out) const;

 private:
  struct Stage {
    std::optional<DenseHead> dense;  // empty: Normalize
  };

  TokenPooler pooler_;
  std::vector<Stage> stages_;
  std::size_t output_dim_ = 0;
  bool normalizes_ = false;
  MatryoshkaRecipe matryoshka_;
};

}  // namespace molt::pooling
