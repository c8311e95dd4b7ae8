// The state transitions of a migration, each one store transaction (or an idempotent
// sequence of them): begin (create the new space, or find the one a stopped run left),
// canary, cutover, rollback, finalize, abort. Each checks the state it starts from and refuses
// with a conflict_error saying what to do instead.
#pragma once

#include <string_view>

#include "molt/migrate/migration_record.h"
#include "molt/store/store.h"

namespace molt::migrate {

// The migration of `collection` to a space of `target`: the unfinished one of that model
// and configuration when there is one (a run resuming), else a new space in state
// backfilling, replacing the serving space. From the space's creation on, every upsert and
// delete of the collection reaches it (the store keeps every space current). Refuses a
// collection without a serving space, a target the serving space already is, a space name
// in use, and an unfinished migration to something else.
Migration begin_migration(store::Store& store, std::string_view collection, const store::SpaceConfig& target);

// The collection's latest migration; throws not_found_error when it has none.
Migration current_migration(store::Store& store, std::string_view collection);

// Routes `percent` (0..100) of searches to the ready new space. Refused unless ready.
Migration set_canary(store::Store& store, std::string_view collection, double percent);
// Makes the new space serve, the old one retired (kept current). Refused unless ready.
Migration cutover(store::Store& store, std::string_view collection);
// Makes the old space serve again, the new one ready. Refused unless cut over.
Migration rollback(store::Store& store, std::string_view collection);
// Drops the old space and reclaims its pages. Refused unless cut over.
Migration finalize(store::Store& store, std::string_view collection);
// Abandons the migration while its new space does not serve (backfilling, ready, canary):
// drops the new space with its vectors, its index and the migration's record (which lives
// in the space's checkpoint) in one transaction, and its canary counts; the old space serves
// on untouched. `space`, when given, must be the migration's new space. Refused after
// cutover (roll back first) and after finalize, and while a `migrate run` holds the
// collection's lock (stop it first). Returns the migration as it was.
Migration abort_migration(store::Store& store, std::string_view collection, std::string_view space = {});

}  // namespace molt::migrate
