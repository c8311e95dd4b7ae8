// The Pooling module of a sentence-transformers model (1_Pooling/config.json): which token
// states make the sentence embedding, read as sentence-transformers 2.7's Pooling(**config)
// reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "molt/model/json_config.h"

namespace molt::model {

enum class PoolingMode {
  kCls,           // the first token's state
  kMax,           // element-wise maximum over the tokens
  kMean,          // mean over the tokens
  kMeanSqrtLen,   // sum over the tokens / sqrt(number of tokens)
  kWeightedMean,  // mean weighted by position 1, 2, ..., n
  kLastToken,     // the last token's state
};

// "cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken".
const char* pooling_mode_name(PoolingMode mode);

struct PoolingConfig {
  std::int64_t word_embedding_dimension = 0;
  // The modes in use, in the order sentence-transformers concatenates their vectors: cls,
  // max, mean, mean_sqrt_len_tokens, weightedmean, lasttoken.
  std::vector<PoolingMode> modes;
  // false: the prompt's tokens (and [CLS]) are left out of mean/max pooling, as
  // Instructor-style models want.
  bool include_prompt = true;

  std::int64_t output_dim() const {
    return word_embedding_dimension * static_cast<std::int64_t>(modes.size());
  }
  std::string describe() const;  // "mean", "cls+mean"
};

// Fields as Pooling's constructor takes them: word_embedding_dimension (required),
// pooling_mode ("mean", "max", "cls", "weightedmean", "lasttoken": overrides the flags),
// pooling_mode_cls_token, pooling_mode_max_tokens, pooling_mode_mean_tokens (default true!),
// pooling_mode_mean_sqrt_len_tokens, pooling_mode_weightedmean_tokens,
// pooling_mode_lasttoken, include_prompt (default true). Throws input_error naming the file
// and field for a wrong type, an unknown pooling_mode, or no mode at all.
PoolingConfig parse_pooling_config(const JsonConfig& config);

// What sentence-transformers builds for a plain transformers model: mean pooling.
PoolingConfig default_pooling_config(std::int64_t hidden_size);

}  // namespace molt::model
