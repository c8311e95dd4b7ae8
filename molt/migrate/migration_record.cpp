#include "molt/migrate/migration_record.h"

#include <nlohmann/json.hpp>

#include "molt/base/error.h"

namespace molt::migrate {

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kBackfill: return "backfill";
    case Phase::kCatchUp: return "catch_up";
    case Phase::kDone: return "done";
  }
  return "?";
}

namespace {

Phase parse_phase(const std::string& name) {
  for (Phase p : {Phase::kBackfill, Phase::kCatchUp, Phase::kDone}) {
    if (name == phase_name(p)) return p;
  }
  throw internal_error("unknown migration phase '" + name + "' in a space checkpoint", {.field = "checkpoint"});
}

}  // namespace

std::string MigrationRecord::to_json() const {
  nlohmann::ordered_json j;
  j["migration"] = 1;
  j["from"] = from;
  j["phase"] = phase_name(phase);
  j["cursor"] = cursor;
  j["log_seq"] = log_seq;
  j["embedded"] = embedded;
  j["rate"] = rate;
  j["updated_unix"] = updated_unix;
  j["canary_percent"] = canary_percent;
  return j.dump();
}

std::optional<MigrationRecord> MigrationRecord::parse(std::string_view checkpoint) {
  if (checkpoint.empty()) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(checkpoint, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("migration")) return std::nullopt;
  try {
    MigrationRecord r;
    r.from = j.at("from").get<std::string>();
    r.phase = parse_phase(j.at("phase").get<std::string>());
    r.cursor = j.value("cursor", std::string());
    r.log_seq = j.value("log_seq", std::int64_t{0});
    r.embedded = j.value("embedded", std::int64_t{0});
    r.rate = j.value("rate", 0.0);
    r.updated_unix = j.value("updated_unix", std::int64_t{0});
    r.canary_percent = j.value("canary_percent", 0.0);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw internal_error(std::string("a space's migration record is malformed: ") + e.what(), {.field = "checkpoint"});
  }
}

const char* migration_state_name(MigrationState state) {
  switch (state) {
    case MigrationState::kBackfilling: return "backfilling";
    case MigrationState::kReady: return "ready";
    case MigrationState::kCanary: return "canary";
    case MigrationState::kCutOver: return "cut_over";
    case MigrationState::kFinalized: return "finalized";
  }
  return "?";
}

std::optional<Migration> find_migration(const store::CollectionInfo& collection) {
  for (auto it = collection.spaces.rbegin(); it != collection.spaces.rend(); ++it) {
    std::optional<MigrationRecord> record = MigrationRecord::parse(it->checkpoint);
    if (!record) continue;
    Migration m;
    m.to = *it;
    m.record = std::move(*record);
    if (const store::SpaceInfo* from = collection.find_space(m.record.from)) m.from = *from;
    switch (m.to.state) {
      case store::SpaceState::kBackfilling:
        m.state = MigrationState::kBackfilling;
        break;
      case store::SpaceState::kReady:
      case store::SpaceState::kRetired:
        m.state = m.record.canary_percent > 0 ? MigrationState::kCanary : MigrationState::kReady;
        break;
      case store::SpaceState::kServing:
        m.state = m.from ? MigrationState::kCutOver : MigrationState::kFinalized;
        break;
    }
    return m;
  }
  return std::nullopt;
}

bool unfinished(const Migration& m) { return m.state != MigrationState::kFinalized; }

}  // namespace molt::migrate
