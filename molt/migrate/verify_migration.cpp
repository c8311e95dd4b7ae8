#include "molt/migrate/verify_migration.h"

#include "molt/base/error.h"
#include "molt/eval/beir_dataset.h"
#include "molt/eval/qrels.h"
#include "molt/migrate/integrity.h"
#include "molt/migrate/transitions.h"

namespace molt::migrate {

std::string load_beir_labels(QualityOptions& quality, const std::filesystem::path& dir, const std::string& split) {
  quality.qrels = eval::read_qrels(dir / "qrels" / (split + ".tsv"));
  quality.queries = eval::load_queries(dir / "queries.jsonl", quality.qrels);
  return dir.string() + " (" + split + ")";
}

std::string load_file_labels(QualityOptions& quality, const std::filesystem::path& queries,
                             const std::filesystem::path& qrels) {
  quality.qrels = eval::read_qrels(qrels);
  quality.queries = eval::load_queries(queries, quality.qrels);
  return queries.string();
}

VerifyReport verify_migration(store::Store& store, std::string_view collection, const store::EncoderProvider& encoders,
                              const VerifyOptions& options) {
  VerifyReport report;
  report.migration = current_migration(store, collection);
  report.collection = store.collection(collection).name;
  report.queries_source = options.queries_source;
  store::SpaceEncoder* encoder = encoders(report.migration.to);
  if (encoder == nullptr) {
    throw usage_error("space '" + report.migration.to.name() + "' has no model to re-embed with");
  }
  report.integrity = check_integrity(store, collection, report.migration, *encoder, options.sample, options.seed);
  if (report.migration.from) {
    report.quality = compare_quality(store, collection, report.migration, encoders, options.quality);
  }
  return report;
}

std::filesystem::path default_verify_report_base(const store::Store& store, std::string_view collection) {
  return store.dir() / "migrations" / ("verify-" + std::string(collection));
}

}  // namespace molt::migrate
