// EmbeddingService: what every embedding route calls. It resolves the model, validates the
// options, answers inputs from the cache when it can, tokenizes the rest on the calling
// thread (many requests tokenize in parallel), sends them through the model's batcher and
// waits, then stores the new vectors in the cache. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/server/embed_body.h"
#include "molt/server/embedding_backend.h"
#include "molt/server/embedding_cache.h"
#include "molt/server/server_metrics.h"
#include "molt/server/served_models.h"

namespace molt::server {

struct EmbeddingLimits {
  std::size_t max_inputs = 2048;  // inputs per request (OpenAI's limit)
  bool truncate = true;           // inputs longer than the model's maximum: cut, or refuse (400)
  std::chrono::milliseconds request_timeout{60000};  // queue + compute, per request
};

struct EmbedCall {
  std::string_view model;                 // "" = the default model
  std::span<const EmbedInput> inputs;
  std::string_view inputs_field = "input";  // how the wire names the inputs, for messages
  bool single = false;                    // the wire held one input, not an array of them
  std::string prompt_name;                // "" = the model's default prompt
  std::optional<std::string> prefix;      // a literal prefix instead of a named prompt
  std::optional<std::size_t> dimensions;  // nullopt = the model's full width
  std::optional<bool> normalize;          // nullopt = the model's own setting
  std::optional<bool> truncate;           // nullopt = EmbeddingLimits::truncate
};

struct Embeddings {
  const ServedModel* model = nullptr;
  std::size_t dim = 0;
  std::vector<float> vectors;  // f32 [inputs.size(), dim], in input order
  std::size_t n_tokens = 0;    // tokens of every input after truncation, special tokens included
};

class EmbeddingService {
 public:
  EmbeddingService(ServedModels& models, EmbeddingCache& cache, ServerMetrics& metrics, EmbeddingLimits limits);

  // Throws input_error naming the field (dimensions out of range, unknown prompt, a token id
  // outside the vocabulary, an input too long with truncation off), not_found_error for an
  // unknown model, Error kOverloaded when the model's queue is full or the timeout passes.
  Embeddings embed(const EmbedCall& call);

  // Tokens of each text as the model prepares it and embeds it (truncated at its maximum).
  std::vector<std::vector<Token>> tokenize(std::string_view model, std::span<const std::string> texts,
                                           const std::string& prompt_name, bool add_special_tokens);

  const EmbeddingLimits& limits() const { return limits_; }
  ServedModels& models() { return models_; }

 private:
  ServedModels& models_;
  EmbeddingCache& cache_;
  ServerMetrics& metrics_;
  EmbeddingLimits limits_;
};

}  // namespace molt::server
