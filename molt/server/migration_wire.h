// The JSON bodies of the migration routes, parsed into what the migration library takes;
// every mistake an input_error naming the field.
//
//   POST /v1/collections/{c}/migration/plan    {"model", "space"?, "dimensions"?, "metric"?, "index"?,
//                                               "storage"?, "query_prompt"?, ..., "sample"?}
//   POST /v1/collections/{c}/migration         the same fields, "batch_size"? instead of "sample"
//   POST /v1/collections/{c}/migration/canary  {"percent"}
//   POST /v1/collections/{c}/migration/abort   {"space"?}
//   POST /v1/collections/{c}/migration/verify  {"beir"?, "split"?, "queries"?, "qrels"?, "sample"?,
//                                               "pseudo_queries"?, "resamples"?, "seed"?}
// Verify's labels: "beir" names a BEIR folder on the server's machine; "queries" and "qrels"
// are either two file paths there (as `molt migrate verify --queries --qrels` takes them) or
// inline, [{"_id", "text"}] and {"query id": {"doc id": relevance}}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "molt/migrate/verify_migration.h"
#include "molt/server/collection_wire.h"

namespace molt::server {

struct MigrationTargetRequest {
  SpaceRequest space;           // the new space (its "model" must be served here)
  std::size_t sample = 64;      // plan: documents embedded to time the model
  std::size_t batch_size = 64;  // start: documents per embedding call and transaction
};
MigrationTargetRequest parse_migration_plan(std::string_view body);
MigrationTargetRequest parse_migration_start(std::string_view body);

// The canary's share, 0..100.
double parse_canary_percent(std::string_view body);

// Abort's optional {"space"}: the new space the client means to drop ("" = the migration's).
std::string parse_abort_space(std::string_view body);

// A verify request: the options, with inline labels already in options.quality; file labels
// are named here and read by the route (reading files is not parsing).
struct VerifyRequest {
  migrate::VerifyOptions options;
  std::string beir;
  std::string split = "test";
  std::string queries_file;
  std::string qrels_file;
};
// An empty body verifies with pseudo-queries.
VerifyRequest parse_verify(std::string_view body);

}  // namespace molt::server
