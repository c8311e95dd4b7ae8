// EmbeddingBackend: the compute the server puts behind its batcher, declared here so that
// routes, batching and caching are tested with deterministic fakes and no model. An adapter
// over the runtime's Encoder implements it for `molt serve`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace molt::server {

// Token ids as the model's own tokenizer numbers them, special tokens included.
using TokenIds = std::vector<std::int32_t>;

// Facts about a served model, fixed once it is loaded.
struct ModelCard {
  std::string identity;        // hash of weights and configuration: the cache keys on it
  std::string model_name;      // the model's own name, for people ("" = the served name)
  std::string reference;       // how another process finds it: a Hub id or an absolute path
  std::string architecture;    // config.json's model_type ("bert", "nomic_bert", ...)
  std::size_t dim = 0;         // width of the vectors at full dimension
  std::size_t max_tokens = 0;  // the longest sequence the model takes, special tokens included
  std::size_t vocab_size = 0;  // token ids must be below it
  bool normalizes = false;     // the model's own pipeline ends in L2 normalization
  std::vector<std::string> prompt_names;  // config_sentence_transformers.json "prompts"
  std::string default_prompt_name;        // applied when a request names none; may be empty
};

struct TokenizeOptions {
  // A prompt of the model by name, or a literal prefix; at most one. Neither: the model's
  // default prompt, if it names one.
  std::string prompt_name;
  std::optional<std::string> prefix;
  bool add_special_tokens = true;
};

struct Token {
  std::int32_t id = 0;
  std::string text;       // the token's string in the vocabulary ("[CLS]", "##ing")
  bool special = false;
  // Byte offsets of the token in the input text, when the tokenizer tracks them (special
  // tokens and prompt tokens have none).
  std::optional<std::size_t> start;
  std::optional<std::size_t> stop;
};

struct Tokenized {
  std::vector<Token> tokens;      // truncated at ModelCard::max_tokens as the reference does
  std::size_t n_untruncated = 0;  // length before truncation (== tokens.size() when it fit)
};

// What a batch is computed with. Inputs that differ here never share a batch.
struct ComputeOptions {
  std::size_t dim = 0;                // output width, <= ModelCard::dim (Matryoshka)
  // nullopt: the model's own setting. true on a model that does not normalize: L2-normalize
  // its output. Never false on a model that normalizes (the service refuses that).
  std::optional<bool> normalize;
  friend bool operator==(const ComputeOptions&, const ComputeOptions&) = default;
};

class EmbeddingBackend {
 public:
  virtual ~EmbeddingBackend() = default;

  virtual const ModelCard& card() const = 0;

  // Tokenizes one text as the model prepares it (prompt, lower-casing, special tokens),
  // truncated at card().max_tokens. Thread-safe: called from many request threads at once.
  // Throws molt::Error.
  virtual Tokenized tokenize(std::string_view text, const TokenizeOptions& options) const = 0;

  // Embeds a batch of token sequences (each 1..card().max_tokens ids, every id below
  // vocab_size) into out, f32 [batch.size(), options.dim], row-major, row i for batch[i].
  // A row depends only on its own sequence, never on its batch-mates. Called from one
  // thread at a time (the batcher's); throws molt::Error.
  virtual void embed(std::span<const TokenIds> batch, const ComputeOptions& options,
                     std::span<float> out) = 0;
};

}  // namespace molt::server
