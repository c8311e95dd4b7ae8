// EncoderEmbedder: the TextEmbedder dense evaluation uses for `molt eval --model`, over the
// runtime's Encoder. Queries and documents each get their prompt (a name from the model's
// config_sentence_transformers.json, or a literal prefix) and the same Matryoshka dimension.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "molt/eval/text_embedder.h"
#include "molt/runtime/encoder.h"

namespace molt::eval {

// One side's prompt: a name, a literal prefix, or neither (the model's default prompt).
struct SidePrompt {
  std::string name;
  std::optional<std::string> prefix;
};

struct EncoderEmbedderOptions {
  SidePrompt query;
  SidePrompt document;
  std::size_t dim = 0;          // Matryoshka dimension; 0: the model's
  std::size_t batch_size = 32;
};

// The prompt MTEB would give a side when none is asked for: the model's own prompt for
// queries ("query", else "search_query") and for documents ("document", "passage",
// "search_document"), when the model defines one; otherwise none (the model's default
// prompt, if any, then applies).
SidePrompt default_side_prompt(const runtime::ModelInfo& info, EmbedRole role);

class EncoderEmbedder final : public TextEmbedder {
 public:
  // Checks the prompts and the dimension against the model (usage_error naming a prompt
  // the model does not have, or a dimension larger than the model's).
  EncoderEmbedder(runtime::Encoder encoder, EncoderEmbedderOptions options);

  std::size_t dim() const override;
  std::vector<float> embed(std::span<const std::string> texts, EmbedRole role) override;

  const runtime::Encoder& encoder() const { return encoder_; }
  // "prompt 'query'", "prefix 'search: '", or "none".
  std::string describe(EmbedRole role) const;

 private:
  runtime::EmbedOptions options_for(EmbedRole role) const;

  runtime::Encoder encoder_;
  EncoderEmbedderOptions options_;
};

}  // namespace molt::eval
