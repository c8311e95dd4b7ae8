#include "molt/migrate/migration_run.h"

#include "molt/migrate/transitions.h"

namespace molt::migrate {

RunOutcome run_migration(store::Store& store, std::string_view collection, const Migration& m,
                         store::SpaceEncoder& encoder, const RunOptions& options) {
  RunOutcome out;
  out.migration = m;
  if (m.state == MigrationState::kBackfilling) {
    out.backfill = run_backfill(store, collection, m, encoder, options.backfill);
    out.migration = current_migration(store, collection);
  }
  if (!out.backfill.stopped) store.refresh_indexes(collection, options.index_progress);
  return out;
}

}  // namespace molt::migrate
