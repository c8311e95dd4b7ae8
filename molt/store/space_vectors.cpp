#include "molt/store/space_vectors.h"

#include <algorithm>
#include <cmath>

#include "molt/base/error.h"

namespace molt::store {

void check_vector(std::span<const float> v, const SpaceInfo& space, const std::string& row) {
  if (v.size() != space.config.dim) {
    throw input_error("vector for space '" + space.name() + "' has " + std::to_string(v.size()) +
                          " values, the space's dimension is " + std::to_string(space.config.dim),
                      {.row = row, .field = "vector"});
  }
  for (const float x : v) {
    if (!std::isfinite(x)) {
      throw input_error("vector for space '" + space.name() + "' has a value that is not finite",
                        {.row = row, .field = "vector"});
    }
  }
}

// The encoder of a space, checked against the model the space was built with.
SpaceEncoder& encoder_for(const SpaceInfo& space, const EncoderProvider& encoders, const std::string& row,
                          std::string_view why) {
  SpaceEncoder* encoder = (encoders && space.has_model()) ? encoders(space) : nullptr;
  if (encoder == nullptr) {
    throw input_error(std::string(why) + " for space '" + space.name() + "', and " +
                          (space.has_model() ? "its model '" + space.config.model + "' was not given"
                                             : std::string("the space has no model: supply the vectors")),
                      {.row = row, .field = "vector"});
  }
  const ModelIdentity identity = encoder->identity();
  if (identity.hash != space.config.model_hash) {
    throw conflict_error("model '" + identity.name + "' (identity " + identity.hash.substr(0, 16) +
                             ") is not the model space '" + space.name() + "' was built with ('" +
                             space.config.model_name + "', " + space.config.model_hash.substr(0, 16) + ")",
                         {.field = "model"});
  }
  return *encoder;
}

std::vector<float> embed_for_space(SpaceEncoder& encoder, const SpaceInfo& space, std::span<const std::string> texts,
                                 EmbedRole role) {
  std::vector<float> rows = encoder.embed(texts, embed_request(space, role));
  if (rows.size() != texts.size() * space.config.dim) {
    throw internal_error("the encoder of space '" + space.name() + "' returned " + std::to_string(rows.size()) +
                         " values for " + std::to_string(texts.size()) + " texts of dimension " +
                         std::to_string(space.config.dim));
  }
  for (const float x : rows) {
    if (!std::isfinite(x)) throw internal_error("the encoder of space '" + space.name() + "' returned a non-finite value");
  }
  return rows;
}

// The rows of one space for a batch: supplied vectors where given, embedded otherwise.
std::vector<float> space_rows(const SpaceInfo& space, std::span<const DocumentWrite> docs,
                              const EncoderProvider& encoders) {
  const std::size_t dim = space.config.dim;
  std::vector<float> rows(docs.size() * dim);
  std::vector<std::size_t> to_embed;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const auto it = docs[i].vectors.find(space.name());
    if (it == docs[i].vectors.end()) {
      to_embed.push_back(i);
      continue;
    }
    check_vector(it->second, space, docs[i].id);
    std::copy(it->second.begin(), it->second.end(), rows.begin() + static_cast<std::ptrdiff_t>(i * dim));
  }
  if (to_embed.empty()) return rows;
  SpaceEncoder& encoder = encoder_for(space, encoders, docs[to_embed.front()].id, "document has no vector");
  std::vector<std::string> texts;
  texts.reserve(to_embed.size());
  for (const std::size_t i : to_embed) texts.push_back(docs[i].text);
  const std::vector<float> embedded = embed_for_space(encoder, space, texts, EmbedRole::kDocument);
  for (std::size_t j = 0; j < to_embed.size(); ++j) {
    std::copy(embedded.begin() + static_cast<std::ptrdiff_t>(j * dim),
              embedded.begin() + static_cast<std::ptrdiff_t>((j + 1) * dim),
              rows.begin() + static_cast<std::ptrdiff_t>(to_embed[j] * dim));
  }
  return rows;
}

}  // namespace molt::store
