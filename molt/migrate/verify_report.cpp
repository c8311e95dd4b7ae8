#include "molt/migrate/verify_report.h"

#include <cstdio>

#include "molt/base/file_io.h"

namespace molt::migrate {
namespace {

std::string fixed(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string signed_fixed(double v) { return (v >= 0 ? "+" : "") + fixed(v); }

}  // namespace

nlohmann::ordered_json verify_json(const VerifyReport& r) {
  nlohmann::ordered_json j;
  j["collection"] = r.collection;
  j["state"] = migration_state_name(r.migration.state);
  j["old_space"] = r.migration.record.from;
  j["new_space"] = r.migration.to.name();
  const IntegrityReport& i = r.integrity;
  j["integrity"] = {{"ok", i.ok()},
                    {"documents", i.documents},
                    {"vectors", i.vectors},
                    {"missing", i.missing},
                    {"stale", i.stale},
                    {"not_finite", i.not_finite},
                    {"zero", i.zero},
                    {"dim", r.migration.to.config.dim},
                    {"index_ok", i.index_ok},
                    {"sampled", i.sampled},
                    {"sample_mismatches", i.sample_mismatches},
                    {"min_sample_cosine", i.min_sample_cosine}};
  if (!r.quality) {
    j["quality"] = nullptr;
    return j;
  }
  const QualityReport& q = *r.quality;
  nlohmann::ordered_json qj;
  qj["queries_source"] = r.queries_source;
  qj["labelled"] = q.labelled;
  qj["queries"] = q.queries;
  qj["metrics"] = nlohmann::ordered_json::array();
  for (const MetricComparison& m : q.metrics) {
    qj["metrics"].push_back({{"name", m.name},
                             {"old", m.old_value},
                             {"new", m.new_value},
                             {"difference", m.difference.mean},
                             {"ci95", {m.difference.low, m.difference.high}}});
  }
  qj["wins"] = q.wins;
  qj["losses"] = q.losses;
  qj["ties"] = q.ties;
  qj["top10_overlap"] = q.mean_overlap10;
  qj["top10_rank_correlation"] = q.mean_rank_correlation;
  qj["per_query"] = nlohmann::ordered_json::array();
  for (const QueryOutcome& o : q.per_query) {
    qj["per_query"].push_back(
        {{"query", o.query_id}, {"old_ndcg@10", o.old_ndcg10}, {"new_ndcg@10", o.new_ndcg10}, {"overlap@10", o.overlap10}});
  }
  j["quality"] = std::move(qj);
  return j;
}

std::string verify_markdown(const VerifyReport& r) {
  const IntegrityReport& i = r.integrity;
  std::string md = "# Migration verification: " + r.collection + "\n\n";
  md += "Old space `" + r.migration.record.from + "`, new space `" + r.migration.to.name() + "` (" +
        r.migration.to.config.model_name + ", " + std::to_string(r.migration.to.config.dim) + "-d), state " +
        migration_state_name(r.migration.state) + ".\n\n";
  md += std::string("## Integrity: ") + (i.ok() ? "ok" : "FAILED") + "\n\n";
  md += "| check | value |\n| --- | --- |\n";
  md += "| live documents | " + std::to_string(i.documents) + " |\n";
  md += "| vectors in the new space | " + std::to_string(i.vectors) + " |\n";
  md += "| documents without a vector | " + std::to_string(i.missing) + " |\n";
  md += "| vectors of an older version | " + std::to_string(i.stale) + " |\n";
  md += "| vectors not finite / zero | " + std::to_string(i.not_finite) + " / " + std::to_string(i.zero) + " |\n";
  md += std::string("| index agrees with the vectors | ") + (i.index_ok ? "yes" : "no") + " |\n";
  md += "| re-embedded sample | " + std::to_string(i.sampled) + " documents, " + std::to_string(i.sample_mismatches) +
        " below cosine " + fixed(IntegrityReport::kSampleCosine, 5) + " (lowest " + fixed(i.min_sample_cosine, 6) +
        ") |\n\n";
  if (!r.quality) {
    md += "## Quality\n\nNot compared: the old space was dropped by finalize.\n";
    return md;
  }
  const QualityReport& q = *r.quality;
  md += "## Quality: old vs new\n\n";
  md += std::to_string(q.queries) + (q.labelled ? " labelled queries" : " pseudo-queries (a document's first sentence; "
                                                                        "its own document is the relevant one)") +
        " from " + r.queries_source + "; exact search in each space.\n\n";
  md += "| metric | " + q.old_space + " | " + q.new_space + " | difference | 95% CI (paired bootstrap) |\n";
  md += "| --- | ---: | ---: | ---: | --- |\n";
  for (const MetricComparison& m : q.metrics) {
    md += "| " + m.name + " | " + fixed(m.old_value) + " | " + fixed(m.new_value) + " | " +
          signed_fixed(m.difference.mean) + " | [" + signed_fixed(m.difference.low) + ", " +
          signed_fixed(m.difference.high) + "] |\n";
  }
  md += "\nPer query (nDCG@10): " + std::to_string(q.wins) + " better in the new space, " + std::to_string(q.losses) +
        " worse, " + std::to_string(q.ties) + " equal.\n\n";
  md += "Agreement of the two spaces' top 10: overlap " + fixed(q.mean_overlap10, 3) +
        ", Spearman rank correlation " + fixed(q.mean_rank_correlation, 3) + " (means over queries).\n";
  return md;
}

void write_verify_report(const VerifyReport& report, const std::filesystem::path& base) {
  std::error_code ec;
  if (base.has_parent_path()) std::filesystem::create_directories(base.parent_path(), ec);
  AtomicFile json(std::filesystem::path(base.string() + ".json"));
  json.write(verify_json(report).dump(2) + "\n");
  AtomicFile md(std::filesystem::path(base.string() + ".md"));
  md.write(verify_markdown(report));
  json.commit();
  md.commit();
}

}  // namespace molt::migrate
