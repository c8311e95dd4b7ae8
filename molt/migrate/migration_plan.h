// The dry run of a migration (`migrate plan`): what a run would do, computed without
// writing anything — documents, tokens (counted by the new model's tokenizer), the old and
// new widths, the store's size now and after, and a duration estimated from embedding a
// sample batch on this machine.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "molt/base/progress.h"
#include "molt/migrate/migration_record.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

// Tokens the new model makes of one document (its document prompt included).
using TokenCounter = std::function<std::size_t(const std::string& text)>;

struct PlanOptions {
  std::size_t sample = 64;  // documents embedded to time the model
  ProgressFn progress;      // stage "tokenize", unit "docs"
};

struct MigrationPlan {
  std::string collection;
  store::SpaceInfo from;             // the serving space
  store::SpaceConfig to;             // the space a run would create
  std::optional<Migration> existing; // an unfinished migration a run would resume
  std::int64_t documents = 0;
  std::int64_t tokens = 0;
  std::int64_t max_tokens = 0;       // of the longest document
  std::uint64_t bytes_now = 0;       // the store folder
  std::uint64_t bytes_new_space = 0; // the new space's vectors and saved index (estimate)
  std::uint64_t bytes_old_space = 0; // what finalize gives back (estimate)
  std::int64_t sample_documents = 0;
  std::int64_t sample_tokens = 0;
  double sample_seconds = 0.0;
  double estimated_seconds = 0.0;    // sample time scaled by tokens
};

// Throws as begin_migration would refuse (no serving space; already this model), never
// writes.
MigrationPlan plan_migration(store::Store& store, std::string_view collection, const store::SpaceConfig& target,
                             store::SpaceEncoder& encoder, const TokenCounter& count_tokens,
                             const PlanOptions& options = {});

}  // namespace molt::migrate
