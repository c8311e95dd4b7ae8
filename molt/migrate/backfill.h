// The backfill of a migration: every document of the collection re-embedded with the new
// model into the new space, in id order, each batch of vectors committed together with the
// record that says how far it got, so that after any crash the same call resumes there; then
// the catch-up (catch_up.h); then the space is marked ready. Vectors are written only if
// their document is unchanged since it was read: a document written meanwhile already got
// its vector in the new space from that write, which embeds with every space.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "molt/base/progress.h"
#include "molt/migrate/migration_record.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct BackfillOptions {
  std::size_t batch_size = 64;               // documents per embedding call and transaction
  const std::atomic<bool>* stop = nullptr;   // when it becomes true: stop after the batch being written
  // Documents per second the backfill may embed, 0 for no limit: lets a backfill share a
  // machine with live traffic instead of taking every core it can.
  double max_rate = 0.0;
  ProgressFn progress;                       // stages "backfill" and "catch-up", unit "docs"
};

// Whether options.stop asks to stop.
bool stop_requested(const BackfillOptions& options);

struct BackfillResult {
  bool stopped = false;          // `stop` ended it early; the same call resumes
  std::int64_t embedded = 0;     // documents embedded by this call
  std::int64_t written = 0;      // vectors written
  std::int64_t skipped = 0;      // vectors not written: their document changed or went away
  std::int64_t caught_up = 0;    // of `written`, by the catch-up
  double seconds = 0.0;
};

// Brings migration `m` of `collection` from wherever it stands to state ready. `encoder`
// must be the new space's model (checked by identity hash). Throws conflict_error when the
// migration is past its backfill.
BackfillResult run_backfill(store::Store& store, std::string_view collection, Migration m,
                            store::SpaceEncoder& encoder, const BackfillOptions& options);

}  // namespace molt::migrate
