#include "molt/eval/encoder_embedder.h"

#include "molt/base/error.h"

namespace molt::eval {

SidePrompt default_side_prompt(const runtime::ModelInfo& info, EmbedRole role) {
  static const char* const kQuery[] = {"query", "search_query"};
  static const char* const kDocument[] = {"document", "passage", "search_document"};
  const auto names = role == EmbedRole::kQuery ? std::span<const char* const>(kQuery)
                                               : std::span<const char* const>(kDocument);
  for (const char* name : names) {
    if (info.prompts.count(name) != 0) return SidePrompt{name, std::nullopt};
  }
  return {};
}

EncoderEmbedder::EncoderEmbedder(runtime::Encoder encoder, EncoderEmbedderOptions options)
    : encoder_(std::move(encoder)), options_(std::move(options)) {
  const runtime::ModelInfo& info = encoder_.info();
  // The encoder's own checks of each side's prompt (an unknown name is a usage error).
  for (const EmbedRole role : {EmbedRole::kQuery, EmbedRole::kDocument}) (void)encoder_.tokenize("", options_for(role));
  if (options_.dim > info.dim) {
    throw usage_error("dimension " + std::to_string(options_.dim) + " is larger than the model's " +
                      std::to_string(info.dim));
  }
}

std::size_t EncoderEmbedder::dim() const { return options_.dim == 0 ? encoder_.dim() : options_.dim; }

runtime::EmbedOptions EncoderEmbedder::options_for(EmbedRole role) const {
  const SidePrompt& side = role == EmbedRole::kQuery ? options_.query : options_.document;
  runtime::EmbedOptions o;
  o.prompt_name = side.name;
  o.prefix = side.prefix;
  o.dim = options_.dim;
  o.batch_size = options_.batch_size;
  return o;
}

std::vector<float> EncoderEmbedder::embed(std::span<const std::string> texts, EmbedRole role) {
  return encoder_.embed(texts, options_for(role)).values;
}

std::string EncoderEmbedder::describe(EmbedRole role) const {
  const SidePrompt& side = role == EmbedRole::kQuery ? options_.query : options_.document;
  if (side.prefix) return "prefix '" + *side.prefix + "'";
  if (!side.name.empty()) return "prompt '" + side.name + "'";
  const auto& info = encoder_.info();
  if (info.default_prompt_name) return "default prompt '" + *info.default_prompt_name + "'";
  return "none";
}

}  // namespace molt::eval
