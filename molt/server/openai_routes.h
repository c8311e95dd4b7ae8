// The OpenAI-compatible routes: POST /v1/embeddings (also at /embeddings, for clients whose
// base URL lacks /v1), GET /v1/models and GET /v1/models/{id}.
#pragma once

#include <vector>

#include "molt/server/embedding_service.h"
#include "molt/server/http_route.h"
#include "molt/server/openai_wire.h"

namespace molt::server {

std::vector<Route> openai_routes(EmbeddingService& service);

// The listing of one served model.
ModelListing model_listing(const ServedModel& model);

}  // namespace molt::server
