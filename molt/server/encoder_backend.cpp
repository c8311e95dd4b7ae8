#include "molt/server/encoder_backend.h"

#include <algorithm>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/compute/matrix.h"
#include "molt/pooling/normalize.h"

namespace molt::server {

EncoderBackend::EncoderBackend(runtime::Encoder encoder, std::string reference) : encoder_(std::move(encoder)) {
  const runtime::ModelInfo& info = encoder_.info();
  card_.identity = info.identity.hash;
  card_.model_name = info.identity.name;
  card_.reference = std::move(reference);
  card_.architecture = info.architecture;
  card_.dim = info.dim;
  card_.max_tokens = info.max_seq_length;
  card_.vocab_size = info.vocab_size;
  card_.normalizes = info.normalizes;
  for (const auto& [name, text] : info.prompts) card_.prompt_names.push_back(name);
  card_.default_prompt_name = info.default_prompt_name.value_or("");
}

Tokenized EncoderBackend::tokenize(std::string_view text, const TokenizeOptions& options) const {
  runtime::EmbedOptions embed_options;
  embed_options.prompt_name = options.prompt_name;
  embed_options.prefix = options.prefix;
  const tokenizer::Encoding encoding = encoder_.tokenize(text, embed_options);
  const tokenizer::Tokenizer& tok = encoder_.tokenizer();
  Tokenized out;
  out.n_untruncated = encoding.n_untruncated;
  out.tokens.reserve(encoding.ids.size());
  const std::size_t n = encoding.ids.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t id = encoding.ids[i];
    // The post-processor's [CLS] first and [SEP] last are the tokens it added.
    const bool added = (i == 0 && id == tok.cls_id()) || (i + 1 == n && id == tok.sep_id());
    if (added && !options.add_special_tokens) {
      --out.n_untruncated;
      continue;
    }
    Token t;
    t.id = id;
    t.text = i < encoding.tokens.size() ? encoding.tokens[i] : std::string(tok.id_to_token(id));
    t.special = added;
    out.tokens.push_back(std::move(t));
  }
  return out;
}

void EncoderBackend::embed(std::span<const TokenIds> batch, const ComputeOptions& options, std::span<float> out) {
  MOLT_CHECK(options.dim >= 1 && options.dim <= card_.dim);
  MOLT_CHECK(out.size() == batch.size() * options.dim);
  runtime::EmbedOptions embed_options;
  embed_options.dim = options.dim == card_.dim ? 0 : options.dim;
  // The batcher has already chosen the batch; the encoder packs it under its own token
  // budget.
  embed_options.batch_size = std::max<std::size_t>(1, batch.size());
  runtime::Embeddings e = encoder_.embed_tokens(batch, embed_options);
  MOLT_CHECK(e.n == batch.size() && e.dim == options.dim);
  if (options.normalize == true && !card_.normalizes) {
    pooling::l2_normalize_rows(compute::MatrixView(e.values.data(), e.n, e.dim));
  }
  std::copy(e.values.begin(), e.values.end(), out.begin());
}

}  // namespace molt::server
