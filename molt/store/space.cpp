#include "molt/store/space.h"

#include "molt/base/error.h"

namespace molt::store {

const char* space_state_name(SpaceState state) {
  switch (state) {
    case SpaceState::kBackfilling:
      return "backfilling";
    case SpaceState::kReady:
      return "ready";
    case SpaceState::kServing:
      return "serving";
    case SpaceState::kRetired:
      return "retired";
  }
  return "?";
}

SpaceState parse_space_state(std::string_view name) {
  for (const SpaceState s : {SpaceState::kBackfilling, SpaceState::kReady, SpaceState::kServing,
                             SpaceState::kRetired}) {
    if (name == space_state_name(s)) return s;
  }
  throw usage_error("unknown space state '" + std::string(name) +
                        "' (valid: backfilling, ready, serving, retired)",
                    {.field = "state"});
}

}  // namespace molt::store
