// A search as a migration's canary routes it: a text query that names no space goes to the
// side the canary's hash picks (a query vector has the width of one space only, and BM25
// uses no space, so those stay on the serving space), and the search is counted on its
// side. Shared by `molt search` and the server's search route.
#pragma once

#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

store::SearchResult routed_search(store::Store& store, store::SearchRequest request,
                                  const store::EncoderProvider& encoders);

}  // namespace molt::migrate
