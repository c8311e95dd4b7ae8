// The migration routes: a collection's move to a model served here, over the migration
// library (the same calls and JSON as `molt migrate`):
//
//   POST /v1/collections/{c}/migration/plan      the dry run (plan --json)               200
//   POST /v1/collections/{c}/migration           start or resume the run in the background 202
//   GET  /v1/collections/{c}/migration           status (status --json, and "run")        200
//   POST /v1/collections/{c}/migration/verify    integrity and A/B quality (verify --json) 200
//   POST /v1/collections/{c}/migration/canary    {"percent"}                              200
//   POST /v1/collections/{c}/migration/cutover   POST .../rollback   POST .../finalize     200
//   POST /v1/collections/{c}/migration/abort     {"space"?}: drop the new space before cutover 200
//
// Refusals: an unknown collection, or none migrating, 404; a transition from the wrong
// state, or a start while a run (this server's or a CLI's) holds the collection, 409.
#pragma once

#include <vector>

#include "molt/server/embedding_service.h"
#include "molt/server/http_route.h"
#include "molt/server/migration_runner.h"
#include "molt/server/served_space_encoders.h"
#include "molt/server/server_metrics.h"
#include "molt/store/store.h"

namespace molt::server {

std::vector<Route> migration_routes(store::Store& store, EmbeddingService& service,
                                    const ServedSpaceEncoders& encoders, MigrationRunner& runner,
                                    ServerMetrics& metrics);

// The migration gauges of every collection of `store` that has a migration, for /metrics.
std::vector<ServerMetrics::MigrationState> migration_metrics(store::Store& store);

}  // namespace molt::server
