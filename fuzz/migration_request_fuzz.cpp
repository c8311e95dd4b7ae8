// Fuzz target: the request bodies of the migration routes (plan, start, canary, verify with
// inline queries and qrels). Malformed input must throw molt::Error, whose OpenAI-shaped
// error body must always be valid JSON; what parses must hold what the migration library
// is promised: a model named, batch and sample sizes in range, a canary share in [0, 100],
// labels whose every judged query has a text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/api_guard.h"
#include "fuzz/fuzz_target.h"
#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/server/migration_wire.h"

using molt::fuzz::api_guarded;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace molt::server;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  api_guarded([&] {
    const MigrationTargetRequest r = parse_migration_plan(bytes);
    MOLT_CHECK(!r.space.model.empty());
    MOLT_CHECK(r.sample >= 1 && r.sample <= 100000);
  });
  api_guarded([&] {
    const MigrationTargetRequest r = parse_migration_start(bytes);
    MOLT_CHECK(!r.space.model.empty());
    MOLT_CHECK(r.batch_size >= 1 && r.batch_size <= (1u << 16));
    MOLT_CHECK(r.space.query_prompt.name.empty() || r.space.query_prompt.prefix.empty());
  });
  api_guarded([&] {
    const double p = parse_canary_percent(bytes);
    MOLT_CHECK(std::isfinite(p) && p >= 0 && p <= 100);
  });
  api_guarded([&] { (void)parse_abort_space(bytes); });
  api_guarded([&] {
    const VerifyRequest r = parse_verify(bytes);
    const auto& q = r.options.quality;
    MOLT_CHECK(r.queries_file.empty() == r.qrels_file.empty());
    MOLT_CHECK(r.beir.empty() || (r.queries_file.empty() && q.queries.empty()));
    MOLT_CHECK(q.queries.size() == q.qrels.by_query.size());
    std::set<std::string> ids;
    for (const auto& query : q.queries) {
      MOLT_CHECK(!query.text.empty() && q.qrels.by_query.count(query.id) == 1);
      MOLT_CHECK(ids.insert(query.id).second);
    }
    for (const auto& [id, judged] : q.qrels.by_query) {
      MOLT_CHECK(!judged.empty());
      for (std::size_t i = 1; i < judged.size(); ++i) MOLT_CHECK(judged[i - 1].doc_id <= judged[i].doc_id);
    }
  });
  return 0;
}
