#include "molt/server/served_space_encoders.h"

#include <algorithm>

namespace molt::server {

ServedSpaceEncoder::ServedSpaceEncoder(EmbeddingService& service, const ServedModel& model)
    : service_(service), model_(model) {}

store::ModelIdentity ServedSpaceEncoder::identity() const {
  const ModelCard& card = model_.backend->card();
  return {card.model_name.empty() ? model_.name : card.model_name, card.identity};
}

std::size_t ServedSpaceEncoder::dim() const { return model_.backend->card().dim; }

std::vector<float> ServedSpaceEncoder::embed(std::span<const std::string> texts, const store::EmbedRequest& request) {
  const std::size_t dim = request.dim == 0 ? this->dim() : request.dim;
  std::vector<float> out;
  out.reserve(texts.size() * dim);
  std::vector<EmbedInput> inputs;
  for (std::size_t first = 0; first < texts.size(); first += kSliceInputs) {
    const std::size_t n = std::min(kSliceInputs, texts.size() - first);
    inputs.assign(texts.begin() + static_cast<std::ptrdiff_t>(first),
                  texts.begin() + static_cast<std::ptrdiff_t>(first + n));
    EmbedCall call;
    call.model = model_.name;
    call.inputs = inputs;
    call.inputs_field = request.role == store::EmbedRole::kQuery ? "query" : "documents";
    call.prompt_name = request.prompt.name;
    if (!request.prompt.prefix.empty()) call.prefix = request.prompt.prefix;
    call.dimensions = dim;
    call.truncate = true;
    const Embeddings e = service_.embed(call);
    out.insert(out.end(), e.vectors.begin(), e.vectors.end());
  }
  return out;
}

ServedSpaceEncoders::ServedSpaceEncoders(EmbeddingService& service) {
  for (const auto& model : service.models().all()) {
    encoders_.push_back(std::make_unique<ServedSpaceEncoder>(service, *model));
  }
}

ServedSpaceEncoder* ServedSpaceEncoders::find(const std::string& identity_hash) const {
  for (const auto& e : encoders_) {
    if (e->identity().hash == identity_hash) return e.get();
  }
  return nullptr;
}

store::EncoderProvider ServedSpaceEncoders::provider() const {
  return [this](const store::SpaceInfo& space) -> store::SpaceEncoder* {
    return space.has_model() ? find(space.config.model_hash) : nullptr;
  };
}

}  // namespace molt::server
