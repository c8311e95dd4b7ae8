// The store's models, from the command line: store::SpaceEncoder over the runtime's
// Encoder, and SpaceEncoders, which gives the store the encoder of each space — the
// --model of the command when it is that space's model, otherwise the model the space
// records, resolved as --model would be and loaded on first use — each loaded once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "molt/runtime/encoder.h"
#include "molt/store/space.h"
#include "molt/store/space_encoder.h"

namespace molt::cli {

class RuntimeSpaceEncoder final : public store::SpaceEncoder {
 public:
  RuntimeSpaceEncoder(runtime::Encoder encoder, std::string reference, std::size_t batch_size);

  store::ModelIdentity identity() const override;
  std::size_t dim() const override { return encoder_.dim(); }
  // Thread-safe (the runtime's Encoder is).
  std::vector<float> embed(std::span<const std::string> texts, const store::EmbedRequest& request) override;

  const runtime::Encoder& encoder() const { return encoder_; }
  // How another process finds this model again: the Hub id it was named by, or its
  // absolute path.
  const std::string& reference() const { return reference_; }

 private:
  runtime::Encoder encoder_;
  std::string reference_;
  std::size_t batch_size_;
};

class SpaceEncoders {
 public:
  SpaceEncoders(int threads, bool progress, std::size_t batch_size = 32);

  // Loads the model a --model argument names (a failure here happens before anything is
  // written) and makes it the encoder of every space built with it.
  RuntimeSpaceEncoder& load(const std::string& argument);

  // The provider to hand the store; valid while this object lives.
  store::EncoderProvider provider();

  // A new space for `encoder`'s model: named `name` (default: the model's name, with the
  // dimension when truncated), full width or `dim`, the query and document prompts given,
  // else the model's own ("query"/"search_query", "document"/"passage"/"search_document"
  // when it defines them, as MTEB picks them).
  static store::SpaceConfig space_config(const RuntimeSpaceEncoder& encoder, std::string name, std::size_t dim,
                                         store::PromptSetting query, store::PromptSetting document);

 private:
  store::SpaceEncoder* for_space(const store::SpaceInfo& space);

  int threads_;
  bool progress_;
  std::size_t batch_size_;
  std::map<std::string, std::unique_ptr<RuntimeSpaceEncoder>> by_hash_;
};

}  // namespace molt::cli
