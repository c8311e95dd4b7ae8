#include "molt/migrate/migration_status.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/migrate/run_lock.h"
#include "molt/migrate/transitions.h"

namespace molt::migrate {

std::int64_t backfill_remaining(store::Store& store, std::string_view collection, const Migration& m) {
  if (m.state != MigrationState::kBackfilling || m.record.phase != Phase::kBackfill) return 0;
  store::ScrollRequest request;
  request.after = m.record.cursor;
  request.limit = 4096;
  request.needing_vectors_in = m.to.name();
  request.text = false;
  request.metadata = false;
  std::int64_t n = 0;
  while (true) {
    const store::ScrollPage page = store.scroll(collection, request);
    n += static_cast<std::int64_t>(page.documents.size());
    if (page.next.empty()) return n;
    request.after = page.next;
  }
}

MigrationStatus migration_status(store::Store& store, std::string_view collection) {
  MigrationStatus s;
  s.migration = current_migration(store, collection);
  const store::CollectionInfo c = store.collection(collection);
  s.collection = c.name;
  for (const store::CollectionStats& stats : store.list_collections()) {
    if (stats.info.id != c.id) continue;
    s.documents = stats.documents;
    const auto it = stats.vectors.find(s.migration.to.name());
    s.vectors = it == stats.vectors.end() ? 0 : it->second;
  }
  const MigrationRecord& r = s.migration.record;
  s.rate = r.rate;
  s.total = s.documents;
  // Counted after the documents: a document inserted in between could only make remaining
  // larger than total, hence the clamp.
  s.remaining = std::min(s.total, backfill_remaining(store, c.name, s.migration));
  s.done = s.total - s.remaining;
  if (s.migration.state == MigrationState::kBackfilling) {
    s.log_lag = std::max<std::int64_t>(0, store.last_seq() - r.log_seq);
    if (r.rate > 0) s.eta_seconds = static_cast<double>(s.remaining) / r.rate;
  }
  // Taking the run lock for a moment tells whether a run holds it.
  try {
    RunLock probe(store.dir(), c.id, c.name);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConflict) throw;
    s.running = true;
  }
  s.canary = read_canary_counts(store.dir(), s.migration.to.id);
  return s;
}

}  // namespace molt::migrate
