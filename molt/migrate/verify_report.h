// The report of `migrate verify`, as JSON (for scripts) and Markdown (for people), each
// written whole or not at all (AtomicFile).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "molt/migrate/ab_quality.h"
#include "molt/migrate/integrity.h"
#include "molt/migrate/migration_record.h"

namespace molt::migrate {

struct VerifyReport {
  std::string collection;
  Migration migration;
  IntegrityReport integrity;
  std::optional<QualityReport> quality;  // absent once the old space is dropped
  std::string queries_source;            // "beir:<dir> (split)", "<queries file>", or "pseudo-queries"
};

nlohmann::ordered_json verify_json(const VerifyReport& report);
std::string verify_markdown(const VerifyReport& report);

// Writes `<base>.json` and `<base>.md`.
void write_verify_report(const VerifyReport& report, const std::filesystem::path& base);

}  // namespace molt::migrate
