// SpaceEncoder: the one thing the store needs from an embedding model, declared here so that
// the store never depends on the runtime. The CLI and the server implement it over the
// runtime's Encoder; tests implement it with deterministic fakes.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "molt/store/space.h"

namespace molt::store {

// Who a model is: its name for people, and a hash of its weights and configuration that
// changes whenever its output could (the runtime computes it).
struct ModelIdentity {
  std::string name;
  std::string hash;
};

enum class EmbedRole { kQuery, kDocument };

// How to embed for one space and role: the space's prompt for that role, and its width
// (a Matryoshka truncation, model-specific steps and re-normalization included, when it is
// below the model's full width).
struct EmbedRequest {
  EmbedRole role = EmbedRole::kDocument;
  PromptSetting prompt;
  std::size_t dim = 0;
};

class SpaceEncoder {
 public:
  virtual ~SpaceEncoder() = default;

  virtual ModelIdentity identity() const = 0;
  virtual std::size_t dim() const = 0;  // full output width

  // f32 [texts.size(), request.dim], row-major, row i for texts[i]. The store calls it from
  // the thread that called upsert or search; an encoder shared by threads must be
  // thread-safe. Throws molt::Error.
  virtual std::vector<float> embed(std::span<const std::string> texts, const EmbedRequest& request) = 0;
};

// The embedding request a space makes for a role.
EmbedRequest embed_request(const SpaceInfo& space, EmbedRole role);

// Gives the store the encoder of a space's model, or nullptr when the caller has none (the
// store then needs the vectors supplied, and says so). The store checks the encoder's
// identity hash against the space's before using it.
using EncoderProvider = std::function<SpaceEncoder*(const SpaceInfo& space)>;

}  // namespace molt::store
