// One run of a migration, as `molt migrate run` and the server's background run do it: the
// backfill and catch-up while the migration is backfilling, then the collection's indexes
// brought up to date, unless a stop request ended the backfill at a batch boundary (the next
// run resumes there). The caller holds the collection's RunLock.
#pragma once

#include <string_view>

#include "molt/base/progress.h"
#include "molt/migrate/backfill.h"
#include "molt/migrate/migration_record.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct RunOptions {
  BackfillOptions backfill;
  ProgressFn index_progress;  // the index rebuild after the backfill
};

struct RunOutcome {
  Migration migration;       // as it stands after the run
  BackfillResult backfill;   // empty when the migration was already past its backfill
};

// Runs migration `m` (from begin_migration) of `collection` with the new space's model
// `encoder`.
RunOutcome run_migration(store::Store& store, std::string_view collection, const Migration& m,
                         store::SpaceEncoder& encoder, const RunOptions& options);

}  // namespace molt::migrate
