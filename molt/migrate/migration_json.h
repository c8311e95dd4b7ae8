// A migration, its status, its plan and a run's summary as JSON: the objects `molt migrate
// ... --json` prints and the server's migration routes answer, written in one place so the
// two faces cannot drift apart.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "molt/migrate/migration_plan.h"
#include "molt/migrate/migration_record.h"
#include "molt/migrate/migration_run.h"
#include "molt/migrate/migration_status.h"

namespace molt::migrate {

// Adds a migration's fields (state, from, to, model, dim, phase, canary_percent) to `j`.
void add_migration_fields(nlohmann::ordered_json& j, const Migration& m);
nlohmann::ordered_json migration_json(const Migration& m);
nlohmann::ordered_json status_json(const MigrationStatus& s);
nlohmann::ordered_json plan_json(const MigrationPlan& p);
nlohmann::ordered_json run_json(const std::string& collection, const RunOutcome& outcome);
// What an abort dropped: `m` is the migration as it was.
nlohmann::ordered_json abort_json(const std::string& collection, const Migration& m);

}  // namespace molt::migrate
