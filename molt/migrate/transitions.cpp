#include "molt/migrate/transitions.h"

#include "molt/base/error.h"
#include "molt/migrate/canary.h"
#include "molt/migrate/run_lock.h"

namespace molt::migrate {
namespace {

bool same_target(const store::SpaceConfig& a, const store::SpaceConfig& b) {
  return a.model_hash == b.model_hash && a.dim == b.dim && a.query_prompt == b.query_prompt &&
         a.document_prompt == b.document_prompt;
}

std::string describe(const Migration& m) {
  return "space '" + m.to.name() + "' (" + migration_state_name(m.state) + ")";
}

Migration reload(store::Store& store, std::string_view collection) { return current_migration(store, collection); }

Migration require_state(store::Store& store, std::string_view collection, std::initializer_list<MigrationState> ok,
                        std::string_view action, std::string_view hint) {
  Migration m = current_migration(store, collection);
  for (MigrationState s : ok) {
    if (m.state == s) return m;
  }
  throw conflict_error(std::string(action) + " refused: the migration of collection '" + std::string(collection) +
                           "' to space '" + m.to.name() + "' is " + migration_state_name(m.state) + "; " +
                           std::string(hint),
                       {.field = "state"});
}

}  // namespace

Migration current_migration(store::Store& store, std::string_view collection) {
  const store::CollectionInfo c = store.collection(collection);
  std::optional<Migration> m = find_migration(c);
  if (!m) throw not_found_error("collection '" + c.name + "' has no migration (start one with molt migrate run)");
  return std::move(*m);
}

Migration begin_migration(store::Store& store, std::string_view collection, const store::SpaceConfig& target) {
  const store::CollectionInfo c = store.collection(collection);
  if (std::optional<Migration> m = find_migration(c); m && unfinished(*m)) {
    if (same_target(m->to.config, target) && (target.name.empty() || target.name == m->to.name())) return *m;
    throw conflict_error("collection '" + c.name + "' has an unfinished migration to " + describe(*m) +
                             "; finish it (cutover, finalize) or roll it back first",
                         {.field = "to"});
  }
  const store::SpaceInfo* serving = c.serving_space();
  if (serving == nullptr) {
    throw input_error("collection '" + c.name + "' has no space to migrate from (ingest documents first)",
                      {.field = "collection"});
  }
  if (same_target(serving->config, target)) {
    throw usage_error("collection '" + c.name + "' is already served by this model in space '" + serving->name() + "'",
                      {.field = "to"});
  }
  MigrationRecord record;
  record.from = serving->name();
  store::SpaceInfo space;
  if (const store::SpaceInfo* existing = c.find_space(target.name)) {
    // A run stopped between creating the space and writing its record left exactly this.
    if (existing->state != store::SpaceState::kBackfilling || !existing->checkpoint.empty() ||
        !same_target(existing->config, target)) {
      throw conflict_error("collection '" + c.name + "' already has a space named '" + target.name +
                               "'; name the new one with --space",
                           {.field = "space"});
    }
    space = *existing;
  } else {
    space = store.create_space(c.name, target, store::SpaceState::kBackfilling);
  }
  // Changes from the space's creation on are the catch-up's to check.
  record.log_seq = space.created_seq;
  store.set_checkpoint(c.name, space.name(), record.to_json());
  return reload(store, c.name);
}

Migration set_canary(store::Store& store, std::string_view collection, double percent) {
  if (!(percent >= 0.0 && percent <= 100.0)) {
    throw usage_error("--percent must be between 0 and 100", {.field = "percent"});
  }
  Migration m = require_state(store, collection, {MigrationState::kReady, MigrationState::kCanary}, "canary",
                              "a canary needs a complete new space that does not serve yet");
  m.record.canary_percent = percent;
  store.set_checkpoint(collection, m.to.name(), m.record.to_json());
  return reload(store, collection);
}

Migration cutover(store::Store& store, std::string_view collection) {
  Migration m = require_state(store, collection, {MigrationState::kReady, MigrationState::kCanary}, "cutover",
                              "only a complete new space (state ready or canary) can take over");
  if (m.record.canary_percent != 0.0) {
    m.record.canary_percent = 0.0;
    store.set_checkpoint(collection, m.to.name(), m.record.to_json());
  }
  store.switch_serving(collection, m.to.name(), store::SpaceState::kRetired);
  return reload(store, collection);
}

Migration rollback(store::Store& store, std::string_view collection) {
  Migration m = require_state(store, collection, {MigrationState::kCutOver}, "rollback",
                              "rollback returns to the old space after a cutover, until finalize");
  store.switch_serving(collection, m.from->name(), store::SpaceState::kReady);
  return reload(store, collection);
}

Migration finalize(store::Store& store, std::string_view collection) {
  Migration m = require_state(store, collection, {MigrationState::kCutOver}, "finalize",
                              "finalize drops the old space only after a cutover");
  store.drop_space(collection, m.from->name());
  return reload(store, collection);
}

Migration abort_migration(store::Store& store, std::string_view collection, std::string_view space) {
  const store::CollectionInfo c = store.collection(collection);
  // A run filling the space would lose it under its feet: hold its lock while dropping.
  const RunLock lock(store.dir(), c.id, c.name);
  Migration m = require_state(store, c.name,
                              {MigrationState::kBackfilling, MigrationState::kReady, MigrationState::kCanary},
                              "abort",
                              "abort drops a new space that does not serve; after a cutover, roll back first");
  if (!space.empty() && space != m.to.name()) {
    throw conflict_error("abort refused: the migration of collection '" + c.name + "' is to space '" +
                             m.to.name() + "', not '" + std::string(space) + "'",
                         {.field = "space"});
  }
  // The store refuses to drop a serving space, so a cutover that slipped in since the check
  // above makes this fail rather than drop what serves.
  store.drop_space(c.name, m.to.name());
  remove_canary_counts(store.dir(), m.to.id);
  return m;
}

}  // namespace molt::migrate
