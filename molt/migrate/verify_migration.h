// `migrate verify` as one call, for the CLI and the server alike: the integrity of the new
// space, the A/B quality of old against new while both exist, and where the report goes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "molt/migrate/ab_quality.h"
#include "molt/migrate/verify_report.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct VerifyOptions {
  std::size_t sample = 100;  // documents re-embedded to check the stored vectors
  std::uint64_t seed = 42;   // of the integrity sample (the quality's seed is quality.seed)
  QualityOptions quality;    // labelled queries, or none for pseudo-queries
  std::string queries_source = "pseudo-queries";  // how the report names the queries
};

// The judged queries of BEIR folder `dir` for qrels split `split`, into `quality`; returns
// the source's name for the report. Errors name the file and line.
std::string load_beir_labels(QualityOptions& quality, const std::filesystem::path& dir, const std::string& split);
// The judged queries of a queries JSONL file and a qrels file (BEIR tsv or TREC).
std::string load_file_labels(QualityOptions& quality, const std::filesystem::path& queries,
                             const std::filesystem::path& qrels);

// Checks the latest migration of `collection`. `encoders` must give the new space's model
// (else usage_error), and the old space's for the quality half.
VerifyReport verify_migration(store::Store& store, std::string_view collection, const store::EncoderProvider& encoders,
                              const VerifyOptions& options);

// Where a report goes unless told: <store>/migrations/verify-<collection>.
std::filesystem::path default_verify_report_base(const store::Store& store, std::string_view collection);

}  // namespace molt::migrate
