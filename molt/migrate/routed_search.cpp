#include "molt/migrate/routed_search.h"

#include <optional>

#include "molt/migrate/canary.h"

namespace molt::migrate {

store::SearchResult routed_search(store::Store& store, store::SearchRequest request,
                                  const store::EncoderProvider& encoders) {
  std::optional<CanaryRoute> canary;
  if (request.space.empty() && request.mode != store::SearchMode::kBm25 && request.vector.empty()) {
    canary = canary_route(find_migration(store.collection(request.collection)), request.text);
    if (canary) request.space = canary->space;
  }
  store::SearchResult result = store.search(request, encoders);
  if (canary) count_canary_search(store.dir(), canary->new_space_id, canary->to_new);
  return result;
}

}  // namespace molt::migrate
