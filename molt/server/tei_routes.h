// The routes of Hugging Face's text-embeddings-inference: POST /embed, POST /tokenize and
// GET /info.
#pragma once

#include <string>
#include <vector>

#include "molt/server/embedding_service.h"
#include "molt/server/http_route.h"

namespace molt::server {

struct TeiRouteSettings {
  std::size_t max_batch_tokens = 0;
  std::size_t max_concurrent_requests = 0;
  std::string version;
};

std::vector<Route> tei_routes(EmbeddingService& service, TeiRouteSettings settings);

}  // namespace molt::server
