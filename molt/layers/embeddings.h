// TokenEmbeddings: the input layer of BERT-family encoders (transformers' BertEmbeddings):
// word embedding + token-type embedding (type 0: molt embeds single texts) + absolute
// position embedding when the architecture has one, summed in that order, then LayerNorm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "molt/compute/ops.h"
#include "molt/layers/layer_norm.h"
#include "molt/layers/parameters.h"

namespace molt::layers {

struct TokenEmbeddingsConfig {
  std::size_t vocab_size = 0;
  std::size_t hidden = 0;
  std::size_t max_positions = 0;    // rows of the position table; 0: no position embedding
  std::size_t type_vocab_size = 0;  // rows of the token-type table; 0: none
  float layer_norm_eps = 1e-12f;
};

class TokenEmbeddings {
 public:
  TokenEmbeddings() = default;
  // "<prefix>.word_embeddings.weight" [vocab, hidden], "<prefix>.position_embeddings.weight"
  // [max_positions, hidden], "<prefix>.token_type_embeddings.weight" [types, hidden], and the
  // layer norm at `norm` (default "<prefix>.LayerNorm"; nomic-bert's is "emb_ln").
  static TokenEmbeddings load(const Parameters& params, const std::string& prefix,
                              const TokenEmbeddingsConfig& config, const std::string& norm = {});

  // out f32 [n_tokens, hidden] for packed sequences: positions restart at 0 at each
  // offsets[s]. Ids must be in [0, vocab) and sequences no longer than max_positions
  // (the runtime validates and truncates before this).
  void forward(const compute::Context& ctx, std::span<const std::int32_t> ids,
               std::span<const std::uint32_t> offsets, compute::MatrixView out) const;

  const TokenEmbeddingsConfig& config() const { return config_; }

 private:
  TokenEmbeddingsConfig config_;
  compute::Weight words_;
  std::optional<compute::Weight> positions_;
  std::optional<compute::Weight> types_;
  LayerNorm norm_;
};

}  // namespace molt::layers
