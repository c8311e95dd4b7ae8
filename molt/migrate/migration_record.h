// A migration as the store keeps it: the JSON record in the new space's checkpoint (which
// space it replaces, where the backfill stands, the canary share), written in the same
// transaction as each batch of vectors, and the state derived from it and the spaces'
// states. Nothing about a migration lives outside the store, so a crash can never leave the
// record and the vectors disagreeing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "molt/store/catalog.h"

namespace molt::migrate {

enum class Phase {
  kBackfill,  // re-embedding documents in id order, after `cursor`
  kCatchUp,   // re-checking documents the change log says were written, after `log_seq`
  kDone,      // every live document has a current vector in the new space
};

const char* phase_name(Phase phase);

struct MigrationRecord {
  std::string from;             // the space being replaced (serving when the migration began)
  Phase phase = Phase::kBackfill;
  std::string cursor;           // backfill: the last document id done ("" = none yet)
  std::int64_t log_seq = 0;     // catch-up: changes up to here are checked
  std::int64_t embedded = 0;    // documents the backfill and catch-up embedded, all runs
  double rate = 0.0;            // documents per second of the latest run (0 = unknown)
  std::int64_t updated_unix = 0;  // when the latest run last committed a batch
  double canary_percent = 0.0;  // share of searches routed to the new space while ready

  std::string to_json() const;
  // nullopt for a checkpoint that is not a migration's (e.g. empty).
  static std::optional<MigrationRecord> parse(std::string_view checkpoint);
};

// Where a migration stands, from its record and the states of its two spaces.
enum class MigrationState {
  kBackfilling,  // the new space is being filled; live writes reach both spaces
  kReady,        // complete; the old space serves
  kCanary,       // complete; a share of searches goes to the new space
  kCutOver,      // the new space serves; the old one is retired and kept current (rollback)
  kFinalized,    // the old space is dropped
};

const char* migration_state_name(MigrationState state);

struct Migration {
  store::SpaceInfo to;
  std::optional<store::SpaceInfo> from;  // absent once finalized
  MigrationRecord record;
  MigrationState state = MigrationState::kBackfilling;
};

// The collection's latest migration (the newest space carrying a record), if any.
std::optional<Migration> find_migration(const store::CollectionInfo& collection);

// Whether the migration is unfinished (anything before finalize).
bool unfinished(const Migration& m);

}  // namespace molt::migrate
