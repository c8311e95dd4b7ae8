// Collections and their spaces as JSON: the shape `molt collections` prints and the server's
// collection routes answer, written in one place so that both stay the same.
#pragma once

#include <nlohmann/json.hpp>

#include "molt/store/space.h"
#include "molt/store/store.h"

namespace molt::store {

nlohmann::ordered_json space_json(const SpaceInfo& space);
// With its document count, and each space with its vector count.
nlohmann::ordered_json collection_json(const CollectionStats& stats);

}  // namespace molt::store
