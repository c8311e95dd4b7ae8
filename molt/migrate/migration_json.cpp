#include "molt/migrate/migration_json.h"

#include "molt/index/vector_codec.h"

namespace molt::migrate {

using nlohmann::ordered_json;

void add_migration_fields(ordered_json& j, const Migration& m) {
  j["state"] = migration_state_name(m.state);
  j["from"] = m.record.from;
  j["from_state"] = m.from ? ordered_json(store::space_state_name(m.from->state)) : ordered_json(nullptr);
  j["to"] = m.to.name();
  j["to_state"] = store::space_state_name(m.to.state);
  j["model"] = m.to.config.model_name;
  j["dim"] = m.to.config.dim;
  j["phase"] = phase_name(m.record.phase);
  j["canary_percent"] = m.record.canary_percent;
}

ordered_json migration_json(const Migration& m) {
  ordered_json j;
  add_migration_fields(j, m);
  return j;
}

ordered_json status_json(const MigrationStatus& s) {
  ordered_json j;
  j["collection"] = s.collection;
  add_migration_fields(j, s.migration);
  j["running"] = s.running;
  j["documents"] = s.documents;
  j["done"] = s.done;
  j["total"] = s.total;
  j["remaining"] = s.remaining;
  j["vectors"] = s.vectors;
  j["rate_docs_per_s"] = s.rate;
  j["eta_s"] = s.eta_seconds ? ordered_json(*s.eta_seconds) : ordered_json(nullptr);
  j["log_lag"] = s.log_lag;
  j["canary"] = {{"percent", s.migration.record.canary_percent},
                 {"old_searches", s.canary.old_side},
                 {"new_searches", s.canary.new_side}};
  return j;
}

ordered_json plan_json(const MigrationPlan& p) {
  const std::uint64_t after = p.bytes_now + p.bytes_new_space;
  ordered_json j;
  j["collection"] = p.collection;
  j["from"] = {{"space", p.from.name()}, {"model", p.from.config.model_name}, {"dim", p.from.config.dim}};
  j["to"] = {{"space", p.to.name}, {"model", p.to.model_name}, {"dim", p.to.dim}, {"model_dim", p.to.model_dim},
             {"index", p.to.index_spec.to_string()}, {"storage", index::vector_storage_name(p.to.storage)}};
  j["resumes"] = p.existing ? migration_json(*p.existing) : ordered_json(nullptr);
  j["documents"] = p.documents;
  j["tokens"] = p.tokens;
  j["max_tokens"] = p.max_tokens;
  j["bytes_now"] = p.bytes_now;
  j["bytes_new_space"] = p.bytes_new_space;
  j["bytes_during"] = after;
  j["bytes_after_finalize"] = after > p.bytes_old_space ? after - p.bytes_old_space : 0;
  j["sample_documents"] = p.sample_documents;
  j["sample_seconds"] = p.sample_seconds;
  j["estimated_seconds"] = p.estimated_seconds;
  return j;
}

ordered_json run_json(const std::string& collection, const RunOutcome& outcome) {
  const BackfillResult& r = outcome.backfill;
  ordered_json j;
  j["collection"] = collection;
  add_migration_fields(j, outcome.migration);
  j["stopped"] = r.stopped;
  j["embedded"] = r.embedded;
  j["written"] = r.written;
  j["skipped"] = r.skipped;
  j["caught_up"] = r.caught_up;
  j["seconds"] = r.seconds;
  j["docs_per_s"] = r.seconds > 0 ? static_cast<double>(r.embedded) / r.seconds : 0.0;
  return j;
}

ordered_json abort_json(const std::string& collection, const Migration& m) {
  ordered_json j;
  j["collection"] = collection;
  j["aborted"] = m.to.name();
  j["was"] = migration_state_name(m.state);
  j["model"] = m.to.config.model_name;
  j["serving"] = m.record.from;
  return j;
}

}  // namespace molt::migrate
