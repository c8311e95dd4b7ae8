#include "molt/store/space_encoder.h"

namespace molt::store {

EmbedRequest embed_request(const SpaceInfo& space, EmbedRole role) {
  EmbedRequest r;
  r.role = role;
  r.prompt = role == EmbedRole::kQuery ? space.config.query_prompt : space.config.document_prompt;
  r.dim = space.config.dim;
  return r;
}

}  // namespace molt::store
