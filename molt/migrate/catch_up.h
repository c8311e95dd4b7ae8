// The catch-up after a backfill: the change log from the migration's last checked sequence
// number on, each document it says was written re-checked against the new space (a vector
// missing, or computed from an older version, is embedded again), the record advanced in
// the same transaction; then a sweep for any document still without a current vector.
// Repeats until a pass finds nothing left.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "molt/migrate/backfill.h"

namespace molt::migrate {

// Embeds and writes the vectors of `docs` into migration `m`'s new space with record `m.record`
// as the checkpoint; returns what write_vectors did. Shared by the backfill and the catch-up.
store::VectorWriteResult write_batch(store::Store& store, std::string_view collection, const Migration& m,
                                     std::span<const store::Document> docs, store::SpaceEncoder& encoder);

// Runs the catch-up of migration `m` (its record in phase catch-up), updating `m.record` and
// `result`. Returns false when `options.stop` stopped it.
bool catch_up(store::Store& store, std::string_view collection, Migration& m, store::SpaceEncoder& encoder,
              const BackfillOptions& options, BackfillResult& result);

}  // namespace molt::migrate
