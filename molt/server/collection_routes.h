// The collection routes: collections (create, list, get, drop), documents (upsert, get,
// delete), search (dense, BM25, hybrid; k and metadata filters) and aliases, over the
// store's public API. Text is embedded by the served model of each space, through the
// EmbeddingService (its batcher, queue limit and cache); a space whose model is not served
// here takes supplied vectors only.
//
//   GET    /v1/collections                         POST   /v1/collections
//   GET    /v1/collections/{c}                     DELETE /v1/collections/{c}
//   POST   /v1/collections/{c}/documents           (upsert)
//   POST   /v1/collections/{c}/documents/get       GET    /v1/collections/{c}/documents/{id}
//   POST   /v1/collections/{c}/documents/delete    DELETE /v1/collections/{c}/documents/{id}
//   POST   /v1/collections/{c}/search
//   GET    /v1/aliases    PUT /v1/aliases/{a}    DELETE /v1/aliases/{a}
// {c} may be an alias wherever a collection is read or written.
#pragma once

#include <vector>

#include "molt/server/collection_wire.h"
#include "molt/server/embedding_service.h"
#include "molt/server/http_route.h"
#include "molt/server/served_space_encoders.h"
#include "molt/store/store.h"

namespace molt::server {

std::vector<Route> collection_routes(store::Store& store, EmbeddingService& service,
                                     const ServedSpaceEncoders& encoders);

// The first space of a new collection, of a model served here: its width, metric, index,
// storage and prompts (the model's own query and document prompts when none are given, as
// molt ingest picks them). Throws input_error or not_found_error naming the field.
store::SpaceConfig served_space_config(const SpaceRequest& request, EmbeddingService& service);

}  // namespace molt::server
