// What `migrate status` reports: a migration's state, how far its backfill is (done against
// live documents, each counted once), its rate and ETA, how far the catch-up trails the
// change log, the canary's share and per-side counts, and whether a run is active now.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "molt/migrate/canary.h"
#include "molt/migrate/migration_record.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct MigrationStatus {
  std::string collection;
  Migration migration;
  std::int64_t documents = 0;        // live documents now
  std::int64_t vectors = 0;          // rows in the new space
  // Progress, each live document counted once: `remaining` are those the backfill has still
  // to embed (after its cursor, without a current vector in the new space); every other one
  // is `done`, whether the backfill embedded it or a live write did, ahead of the cursor or
  // behind it. done + remaining == total == documents; remaining is 0 past the backfill.
  std::int64_t done = 0;
  std::int64_t remaining = 0;
  std::int64_t total = 0;
  double rate = 0.0;                 // docs/s of the latest run
  std::optional<double> eta_seconds; // remaining / rate, while backfilling and the rate is known
  std::int64_t log_lag = 0;          // change-log sequence numbers not yet checked by the catch-up
  bool running = false;              // a `migrate run` holds the collection's lock now
  CanaryCounts canary;
};

// Live documents the backfill of `m` has still to embed: after its cursor, without a
// current vector in the new space (a live write embeds with every space, so a document it
// wrote is not among them). 0 once the backfill phase is over.
std::int64_t backfill_remaining(store::Store& store, std::string_view collection, const Migration& m);

// Throws not_found_error when the collection has no migration.
MigrationStatus migration_status(store::Store& store, std::string_view collection);

}  // namespace molt::migrate
