// molt migrate verify: integrity of the new space and A/B quality of old vs new, as a
// Markdown and a JSON report.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli_support.h"
#include "cli/migrate_flags.h"
#include "cli/progress_bar.h"
#include "cli/space_encoders.h"
#include "molt/base/error.h"
#include "molt/migrate/verify_migration.h"
#include "molt/migrate/verify_report.h"

namespace molt::cli {
namespace {

struct VerifyFlags {
  MigrateTargetFlags target;
  std::string beir;
  std::string split = "test";
  std::string queries;
  std::string qrels;
  std::size_t sample = 100;
  std::size_t pseudo_queries = 200;
  int resamples = 10000;
  std::uint64_t seed = 42;
  std::string report;
  bool progress = false;
};

int run_verify(const VerifyFlags& f) {
  // Labels are read (and checked) before anything else.
  migrate::VerifyOptions options;
  options.sample = f.sample;
  options.seed = f.seed;
  options.quality.pseudo_queries = f.pseudo_queries;
  options.quality.resamples = f.resamples;
  options.quality.seed = f.seed;
  if (!f.beir.empty()) {
    options.queries_source = migrate::load_beir_labels(options.quality, f.beir, f.split);
  } else if (!f.queries.empty() || !f.qrels.empty()) {
    if (f.queries.empty() || f.qrels.empty()) {
      throw usage_error("--queries and --qrels go together", {.field = f.queries.empty() ? "queries" : "qrels"});
    }
    options.queries_source = migrate::load_file_labels(options.quality, f.queries, f.qrels);
  }
  SpaceEncoders encoders(f.target.store.threads, progress_wanted(f.progress));
  const store::EncoderProvider provider = encoders.provider();
  std::unique_ptr<store::Store> db = f.target.store.open(false);
  if (!f.report.empty() && f.target.collections(*db).size() > 1) {
    throw usage_error("--report names one report; leave it out to verify several collections", {.field = "report"});
  }
  return for_each_collection(f.target, *db, [&](const std::string& name) {
    ProgressBar bar(progress_wanted(f.progress));
    options.quality.progress = bar.callback();
    const migrate::VerifyReport report = migrate::verify_migration(*db, name, provider, options);
    bar.finish();
    const std::filesystem::path base =
        !f.report.empty() ? std::filesystem::path(f.report) : migrate::default_verify_report_base(*db, name);
    migrate::write_verify_report(report, base);
    if (f.target.json) {
      nlohmann::ordered_json j = migrate::verify_json(report);
      j["report"] = {base.string() + ".md", base.string() + ".json"};
      print_json_line(j);
    } else {
      const std::string md = migrate::verify_markdown(report) + "\nReport: " + base.string() + ".md, .json\n";
      if (std::fwrite(md.data(), 1, md.size(), stdout) != md.size()) throw io_error("cannot write to stdout");
      std::fflush(stdout);
    }
    if (!report.integrity.ok()) {
      std::fprintf(stderr, "molt: error: the new space of collection '%s' failed its integrity check (see %s.md)\n",
                   name.c_str(), base.string().c_str());
      return 1;
    }
    return 0;
  });
}

}  // namespace

std::pair<CLI::App*, std::function<int()>> add_migrate_verify(CLI::App& migrate_cmd) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* cmd = migrate_cmd.add_subcommand("verify", "Check the new space's integrity and compare its quality");
  cmd->description(
      "Integrity: every live document has exactly one vector in the new space, of the current document version, "
      "finite and non-zero, the index agrees, and re-embedding a random sample reproduces the stored vectors "
      "(cosine >= 0.99999). Quality (until finalize): the same queries searched exactly in the old and new space, "
      "nDCG@10, MRR@10, recall@10 and recall@100 for both, the difference with a paired bootstrap 95% interval, and "
      "per-query wins/losses; with --beir or --queries/--qrels the labelled queries, else pseudo-queries (a "
      "document's first sentence, its own document relevant); and the two spaces' top-10 overlap and rank "
      "correlation. Writes <report>.md and <report>.json and prints the Markdown (or JSON with --json). Exit 1 "
      "when the integrity check fails.");
  f->target.add_to(*cmd);
  auto* beir = cmd->add_option("--beir", f->beir, "BEIR dataset folder whose queries and qrels to evaluate with");
  cmd->add_option("--split", f->split, "Qrels split of --beir (qrels/<split>.tsv)")->capture_default_str();
  auto* queries = cmd->add_option("--queries", f->queries, "Queries JSONL ({\"_id\", \"text\"}), with --qrels");
  auto* qrels = cmd->add_option("--qrels", f->qrels, "Judgments (BEIR tsv or TREC qrels), with --queries");
  beir->excludes(queries)->excludes(qrels);
  cmd->add_option("--sample", f->sample, "Documents re-embedded to check the stored vectors")->capture_default_str();
  cmd->add_option("--pseudo-queries", f->pseudo_queries, "Pseudo-queries drawn without labels")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--resamples", f->resamples, "Bootstrap resamples")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the samples and the bootstrap")->capture_default_str();
  cmd->add_option("--report", f->report,
                  "Report path without extension (default: <db>/migrations/verify-<collection>)");
  cmd->add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  return {cmd, [f] { return run_verify(*f); }};
}

}  // namespace molt::cli
