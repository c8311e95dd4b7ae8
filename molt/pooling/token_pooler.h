// TokenPooler: sentence-transformers' Pooling module — token states of each sequence to one
// vector, for every architecture. Modes are concatenated in sentence-transformers' order
// (cls, max, mean, mean_sqrt_len_tokens, weightedmean, lasttoken).
//
// As Pooling.forward does, when a prompt was used and include_prompt is false, the prompt's
// tokens — prompt_length of them, counted as sentence-transformers counts them: the length of
// the tokenized prompt minus one, so [CLS] included — are left out of max, mean and weighted
// mean pooling. CLS and last-token pooling take the sequence's first and last token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "molt/compute/matrix.h"
#include "molt/model/pooling_config.h"

namespace molt::pooling {

class TokenPooler {
 public:
  explicit TokenPooler(model::PoolingConfig config) : config_(std::move(config)) {}

  const model::PoolingConfig& config() const { return config_; }
  std::size_t input_dim() const { return static_cast<std::size_t>(config_.word_embedding_dimension); }
  std::size_t output_dim() const { return static_cast<std::size_t>(config_.output_dim()); }

  // states f32 [n_tokens, input_dim()] of packed sequences (offsets [n_seqs + 1]);
  // prompt_lengths [n_seqs] (0: no prompt) or empty; out f32 [n_seqs, output_dim()].
  void pool(compute::ConstMatrixView states, std::span<const std::uint32_t> offsets,
            std::span<const std::uint32_t> prompt_lengths, compute::MatrixView out) const;

 private:
  model::PoolingConfig config_;
};

}  // namespace molt::pooling
