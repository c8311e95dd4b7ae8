// EncoderBackend: the server's EmbeddingBackend over the runtime's Encoder -- what
// `molt serve --model` runs. Tokenization is the encoder's own text preparation (prompt,
// strip, lower-casing, [CLS] ... [SEP], truncation at max_seq_length); a batch goes to
// Encoder::embed_tokens in one call, which packs it without padding.
#pragma once

#include <string>

#include "molt/runtime/encoder.h"
#include "molt/server/embedding_backend.h"

namespace molt::server {

class EncoderBackend final : public EmbeddingBackend {
 public:
  // `reference`: how the model was found (a Hub id or an absolute path), recorded in the
  // spaces created with it so that other processes can load it again.
  explicit EncoderBackend(runtime::Encoder encoder, std::string reference = {});

  const ModelCard& card() const override { return card_; }
  Tokenized tokenize(std::string_view text, const TokenizeOptions& options) const override;
  void embed(std::span<const TokenIds> batch, const ComputeOptions& options, std::span<float> out) override;

  const runtime::Encoder& encoder() const { return encoder_; }

 private:
  runtime::Encoder encoder_;
  ModelCard card_;
};

}  // namespace molt::server
