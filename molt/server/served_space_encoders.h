// ServedSpaceEncoders: the store's encoders inside the server. A space whose model is served
// here (same identity hash) embeds its documents and queries through the EmbeddingService,
// so that collection writes and text searches share the model's dynamic batcher, its queue
// limit and the embedding cache with /v1/embeddings. A space whose model is not served gets
// no encoder: the store then asks for the vectors to be supplied.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "molt/server/embedding_service.h"
#include "molt/store/space_encoder.h"

namespace molt::server {

class ServedSpaceEncoder final : public store::SpaceEncoder {
 public:
  ServedSpaceEncoder(EmbeddingService& service, const ServedModel& model);

  store::ModelIdentity identity() const override;
  std::size_t dim() const override;
  // Embeds in slices of kSliceInputs texts, each one call of the service (so one request
  // never has to fit the model's whole queue); documents are truncated at the model's
  // maximum as molt ingest does, whatever --no-truncate says about API requests.
  std::vector<float> embed(std::span<const std::string> texts, const store::EmbedRequest& request) override;

  static constexpr std::size_t kSliceInputs = 256;

 private:
  EmbeddingService& service_;
  const ServedModel& model_;
};

class ServedSpaceEncoders {
 public:
  // One encoder per model served by `service` (models are fixed once the server starts).
  explicit ServedSpaceEncoders(EmbeddingService& service);

  // The served model with this identity hash, or nullptr.
  ServedSpaceEncoder* find(const std::string& identity_hash) const;
  // The provider to hand the store; valid while this object lives.
  store::EncoderProvider provider() const;

 private:
  std::vector<std::unique_ptr<ServedSpaceEncoder>> encoders_;
};

}  // namespace molt::server
