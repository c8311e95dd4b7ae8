// An embedding space: one model and configuration's vectors for every document of a
// collection, kept side by side with the collection's other spaces.
//
// States, driven by the migration engine (the store enforces only the invariants):
//   backfilling  being filled by a migration; live writes already reach it
//   ready        complete, not serving (a canary may send it some searches)
//   serving      the space searches use by default; exactly one per collection that has
//                any space, switched atomically by Store::switch_serving
//   retired      was serving before a cutover; still kept current so that a rollback is
//                exact, until the migration drops it
// Every space of a collection is kept current: each upsert writes a vector to each space.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "molt/index/index_spec.h"
#include "molt/index/vector_index.h"
#include "molt/index/vector_codec.h"

namespace molt::store {

enum class SpaceState { kBackfilling, kReady, kServing, kRetired };

const char* space_state_name(SpaceState state);
// Throws usage_error for an unknown name.
SpaceState parse_space_state(std::string_view name);

// Prompt settings of one side of retrieval, as sentence-transformers takes them: the name
// of a prompt from the model's configuration, or a literal prefix (at most one is set).
struct PromptSetting {
  std::string name;
  std::string prefix;
  bool operator==(const PromptSetting&) const = default;
};

// What a space is made of, given when it is created.
struct SpaceConfig {
  std::string name;             // unique in the collection (names.h)
  std::string model;            // how to find the model (a path or Hugging Face id);
                                // empty for vectors supplied by the writer
  std::string model_name;       // the model's name (for people)
  std::string model_hash;       // the model's identity hash (weights + configuration);
                                // empty for supplied vectors
  std::size_t model_dim = 0;    // the model's full output width
  std::size_t dim = 0;          // stored width: model_dim, or a Matryoshka truncation
  index::Metric metric = index::Metric::kCosine;
  PromptSetting query_prompt;
  PromptSetting document_prompt;
  index::IndexSpec index_spec = index::parse_index_spec("hnsw");
  index::VectorStorage storage = index::VectorStorage::kF32;
};

// A space as stored.
struct SpaceInfo {
  std::int64_t id = 0;             // unique in the store, never reused
  std::int64_t collection_id = 0;
  SpaceConfig config;
  SpaceState state = SpaceState::kBackfilling;
  std::int64_t created_seq = 0;    // change-log sequence number of its creation
  std::string checkpoint;          // the migration's resumable cursor ("" when none)

  const std::string& name() const { return config.name; }
  bool has_model() const { return !config.model_hash.empty(); }
  // Whether the stored width is a Matryoshka truncation of the model's output.
  bool truncated() const { return config.dim != config.model_dim; }
};

}  // namespace molt::store
