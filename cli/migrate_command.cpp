// molt migrate: move a live collection to a new embedding model.
//   molt migrate plan|run --db DIR --collection C --to M [--dim N] [prompts] [--space NAME]
//   molt migrate status|cutover|rollback|finalize --db DIR --collection C
//   molt migrate canary --db DIR --collection C --percent P
//   molt migrate verify --db DIR --collection C [--beir DIR | --queries F --qrels F]
//   molt migrate abort --db DIR --collection C [--space NAME]
// --all-collections or --prefix P instead of --collection runs one command on several.
#include <atomic>
#include <csignal>
#include <functional>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/migrate_flags.h"
#include "cli/progress_bar.h"
#include "cli/space_encoders.h"
#include "molt/base/error.h"
#include "molt/migrate/backfill.h"
#include "molt/migrate/migration_json.h"
#include "molt/migrate/migration_plan.h"
#include "molt/migrate/migration_run.h"
#include "molt/migrate/run_lock.h"
#include "molt/migrate/transitions.h"

namespace molt::cli {
namespace {

// Set by SIGINT/SIGTERM; the backfill stops after the batch it is writing. A signal handler
// can only reach a static object.
std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

// The first Ctrl-C asks for a clean stop; a second one (SA_RESETHAND) ends the process.
void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct PlanRunFlags {
  MigrateTargetFlags target;
  MigrateModelFlags model;
  std::size_t batch_size = 64;
  double max_rate = 0.0;
  std::size_t sample = 64;
  bool progress = false;
};

// The model loads, and the new space's settings (--dim, prompts) are checked against it,
// before the store is opened: a broken model or a --dim too large touches nothing.
struct LoadedTarget {
  SpaceEncoders encoders;
  RuntimeSpaceEncoder* encoder = nullptr;
  store::SpaceConfig config;
  explicit LoadedTarget(const PlanRunFlags& f)
      : encoders(f.target.store.threads, progress_wanted(f.progress), f.batch_size) {
    encoder = &encoders.load(f.model.model.model);
    config = f.model.model.space_config(*encoder, f.model.space);
  }
};

void print_text(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) throw io_error("cannot write to stdout");
  std::fflush(stdout);
}

std::string format_seconds(double s) {
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  }
  return buf;
}

int run_plan(const PlanRunFlags& f) {
  LoadedTarget t(f);
  std::unique_ptr<store::Store> db = f.target.store.open(false);
  runtime::EmbedOptions tokenize_options;
  tokenize_options.prompt_name = t.config.document_prompt.name;
  if (!t.config.document_prompt.prefix.empty()) tokenize_options.prefix = t.config.document_prompt.prefix;
  const runtime::Encoder& encoder = t.encoder->encoder();
  migrate::TokenCounter count = [&](const std::string& text) {
    return encoder.tokenize(text, tokenize_options).ids.size();
  };
  return for_each_collection(f.target, *db, [&](const std::string& name) {
    store::SpaceConfig config = t.config;
    ProgressBar bar(progress_wanted(f.progress));
    migrate::PlanOptions options;
    options.sample = f.sample;
    options.progress = bar.callback();
    const migrate::MigrationPlan p = migrate::plan_migration(*db, name, config, *t.encoder, count, options);
    bar.finish();
    const std::uint64_t after = p.bytes_now + p.bytes_new_space;
    if (f.target.json) {
      print_json_line(migrate::plan_json(p));
      return 0;
    }
    std::string out;
    out += "collection " + p.collection + ": " + std::to_string(p.documents) + " documents, " +
           std::to_string(p.tokens) + " tokens (longest " + std::to_string(p.max_tokens) + ")\n";
    out += "  from  " + p.from.name() + " (" + p.from.config.model_name + ", " + std::to_string(p.from.config.dim) +
           "-d)\n";
    out += "  to    " + p.to.name + " (" + p.to.model_name + ", " + std::to_string(p.to.dim) + "-d, " +
           p.to.index_spec.to_string() + ", " + index::vector_storage_name(p.to.storage) + ")\n";
    if (p.existing) {
      out += "  resumes the migration to " + p.existing->to.name() + " (" +
             migrate::migration_state_name(p.existing->state) + ")\n";
    }
    out += "  storage  now " + format_bytes(static_cast<double>(p.bytes_now)) + ", during " +
           format_bytes(static_cast<double>(after)) + ", after finalize " +
           format_bytes(static_cast<double>(after > p.bytes_old_space ? after - p.bytes_old_space : 0)) + "\n";
    out += "  estimated duration " + format_seconds(p.estimated_seconds) + " (a sample of " +
           std::to_string(p.sample_documents) + " documents took " + format_seconds(p.sample_seconds) + ")\n";
    print_text(out);
    return 0;
  });
}

int run_run(const PlanRunFlags& f) {
  LoadedTarget t(f);
  std::unique_ptr<store::Store> db = f.target.store.open(false);
  install_stop_handlers();
  return for_each_collection(f.target, *db, [&](const std::string& name) {
    const store::CollectionInfo c = db->collection(name);
    migrate::RunLock lock(db->dir(), c.id, c.name);
    ProgressBar bar(progress_wanted(f.progress));
    migrate::RunOptions options;
    options.backfill.batch_size = f.batch_size;
    options.backfill.max_rate = f.max_rate;
    options.backfill.stop = &g_stop;
    options.backfill.progress = bar.callback();
    options.index_progress = bar.callback();
    const migrate::RunOutcome outcome =
        migrate::run_migration(*db, name, migrate::begin_migration(*db, name, t.config), *t.encoder, options);
    bar.finish();
    const migrate::Migration& m = outcome.migration;
    const migrate::BackfillResult& r = outcome.backfill;
    if (f.target.json) {
      print_json_line(migrate::run_json(name, outcome));
    } else {
      print_text("collection " + name + ": " + (r.stopped ? "stopped" : migrate::migration_state_name(m.state)) +
                 ", space " + m.to.name() + "; embedded " + std::to_string(r.embedded) + " documents in " +
                 format_seconds(r.seconds) + "\n");
    }
    if (r.stopped) {
      std::fprintf(stderr, "molt: stopped at a batch boundary; run the same command again to resume\n");
      return kStoppedExitCode;
    }
    return 0;
  });
}

void print_status(const migrate::MigrationStatus& s, bool json) {
  if (json) {
    print_json_line(migrate::status_json(s));
    return;
  }
  const migrate::Migration& m = s.migration;
  std::string out = "collection " + s.collection + ": " + migrate::migration_state_name(m.state) +
                    (s.running ? " (running)" : "") + "\n";
  out += "  from " + m.record.from + (m.from ? std::string(" (") + store::space_state_name(m.from->state) + ")" : " (dropped)") +
         " to " + m.to.name() + " (" + store::space_state_name(m.to.state) + ", " + m.to.config.model_name + ", " +
         std::to_string(m.to.config.dim) + "-d)\n";
  char buf[160];
  const double pct = s.total > 0 ? 100.0 * static_cast<double>(s.done) / static_cast<double>(s.total) : 100.0;
  std::snprintf(buf, sizeof buf, "  done %lld/%lld (%.1f%%), %.1f docs/s", static_cast<long long>(s.done),
                static_cast<long long>(s.total), pct, s.rate);
  out += buf;
  if (s.eta_seconds) out += ", ETA " + format_seconds(*s.eta_seconds);
  out += ", change-log lag " + std::to_string(s.log_lag) + "\n";
  if (m.state == migrate::MigrationState::kCanary || s.canary.old_side + s.canary.new_side > 0) {
    std::snprintf(buf, sizeof buf, "  canary %.2f%% to the new space: %lld searches old, %lld new\n",
                  m.record.canary_percent, static_cast<long long>(s.canary.old_side),
                  static_cast<long long>(s.canary.new_side));
    out += buf;
  }
  print_text(out);
}

int run_status(const MigrateTargetFlags& f) {
  std::unique_ptr<store::Store> db = f.store.open(false);
  return for_each_collection(f, *db, [&](const std::string& name) {
    print_status(migrate::migration_status(*db, name), f.json);
    return 0;
  });
}

// canary, cutover, rollback, finalize: one transition per collection, then its status.
using Transition = std::function<migrate::Migration(store::Store&, const std::string&)>;

int run_transition(const MigrateTargetFlags& f, const Transition& transition) {
  std::unique_ptr<store::Store> db = f.store.open(false);
  return for_each_collection(f, *db, [&](const std::string& name) {
    (void)transition(*db, name);
    print_status(migrate::migration_status(*db, name), f.json);
    return 0;
  });
}

void add_plan_run_flags(CLI::App& cmd, PlanRunFlags& f) {
  f.target.add_to(cmd);
  f.model.add_to(cmd);
  cmd.add_flag("--progress", f.progress, "Show progress on stderr even when it is not a terminal");
}

}  // namespace

Runner add_migrate(CLI::App& cmd) {
  cmd.description(
      "Move a live collection to a new embedding model: plan (dry run), run (backfill a new space while "
      "writes continue), status, verify (integrity and A/B quality), canary, cutover, rollback, finalize; "
      "abort abandons a migration before cutover.");
  cmd.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Runner>> subs;

  {
    auto f = std::make_shared<PlanRunFlags>();
    CLI::App* plan = cmd.add_subcommand("plan", "Dry run: what a migration would do, changing nothing");
    plan->description(
        "Dry run; changes nothing. Prints the documents, their tokens (counted with the new model's tokenizer), "
        "the old and new dimensions, the store's size now, during and after finalize, and a duration estimated "
        "by embedding a sample batch on this machine. Fails (exit 2) on a broken model or a --dim above its "
        "width.");
    add_plan_run_flags(*plan, *f);
    plan->add_option("--sample", f->sample, "Documents embedded to time the model")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
        ->capture_default_str();
    subs.emplace_back(plan, [f] { return run_plan(*f); });
  }
  {
    auto f = std::make_shared<PlanRunFlags>();
    CLI::App* run = cmd.add_subcommand("run", "Backfill a new space with the new model while writes continue");
    run->description(
        "Creates the new space (state backfilling; from then on every upsert and delete reaches both spaces), "
        "re-embeds every document in id order in batches, each committed with the migration's checkpoint, then "
        "catches up the changes made meanwhile until none is left, and marks the space ready. After a crash or "
        "Ctrl-C (which stops at a batch boundary, exit 130) the same command resumes where it stopped. A second "
        "run on the same collection is refused (exit 1); a broken model or a --dim above its width fails before "
        "anything is touched (exit 2). Prints a summary per collection (JSON with --json).");
    add_plan_run_flags(*run, *f);
    run->add_option("--batch-size", f->batch_size, "Documents per embedding call and transaction")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 16))
        ->capture_default_str();
    run->add_option("--max-rate", f->max_rate,
                    "Documents per second the backfill may embed, to leave the machine to live traffic (0: no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    subs.emplace_back(run, [f] { return run_run(*f); });
  }
  {
    auto f = std::make_shared<MigrateTargetFlags>();
    CLI::App* status = cmd.add_subcommand("status", "A migration's state, progress, rate, ETA and change-log lag");
    status->description(
        "The collection's latest migration: state (backfilling, ready, canary, cut_over, finalized), whether a "
        "run is active, done/total, rate and ETA, the change-log lag (sequence numbers the catch-up has not "
        "checked yet), and the canary's share and per-side search counts.");
    f->add_to(*status);
    subs.emplace_back(status, [f] { return run_status(*f); });
  }
  {
    auto f = std::make_shared<MigrateTargetFlags>();
    auto percent = std::make_shared<double>(0.0);
    CLI::App* canary = cmd.add_subcommand("canary", "Send a share of searches to the new space");
    canary->description(
        "While the new space is ready, P% of searches that name no space use it and the rest the serving "
        "space; the side is chosen by a hash of the query text, so one query always lands on the same side. "
        "0 ends the canary. Per-side counts show in status.");
    f->add_to(*canary);
    canary->add_option("--percent", *percent, "Share of searches for the new space, 0-100")
        ->required()
        ->check(CLI::Range(0.0, 100.0));
    subs.emplace_back(canary, [f, percent] {
      return run_transition(*f, [percent](store::Store& db, const std::string& c) {
        return migrate::set_canary(db, c, *percent);
      });
    });
  }
  struct Simple {
    const char* name;
    const char* summary;
    const char* description;
    migrate::Migration (*fn)(store::Store&, std::string_view);
  };
  const Simple simple[] = {
      {"cutover", "Make the new space serve (atomic)",
       "Switches the serving space to the new one in one transaction; searches in flight finish on the space "
       "they started on. The old space is retired and still kept current, so rollback is exact until finalize.",
       migrate::cutover},
      {"rollback", "Make the old space serve again (atomic), until finalize",
       "Switches serving back to the old space in one transaction; the new space stays ready (cutover again "
       "later).",
       migrate::rollback},
      {"finalize", "Drop the old space and reclaim its storage (after cutover)",
       "Drops the old space's vectors and index and gives their pages back; refused before cutover. After it "
       "there is no rollback.",
       migrate::finalize},
  };
  for (const Simple& s : simple) {
    auto f = std::make_shared<MigrateTargetFlags>();
    CLI::App* sub = cmd.add_subcommand(s.name, s.summary);
    sub->description(s.description);
    f->add_to(*sub);
    auto fn = s.fn;
    subs.emplace_back(sub, [f, fn] {
      return run_transition(*f, [fn](store::Store& db, const std::string& c) { return fn(db, c); });
    });
  }
  {
    auto f = std::make_shared<MigrateTargetFlags>();
    auto space = std::make_shared<std::string>();
    CLI::App* abort = cmd.add_subcommand("abort", "Abandon a migration whose new space does not serve yet");
    abort->description(
        "Drops the migration's new space (state backfilling, ready or canary) with its vectors, index and "
        "migration record, in one transaction; the old space serves on untouched and a later run starts "
        "afresh. Refused after cutover (roll back first), after finalize, and while a migrate run is active "
        "(stop it first). Prints what was dropped (JSON with --json).");
    f->add_to(*abort);
    abort->add_option("--space", *space, "The new space to drop; refused unless it is the migration's");
    subs.emplace_back(abort, [f, space] {
      std::unique_ptr<store::Store> db = f->store.open(false);
      return for_each_collection(*f, *db, [&](const std::string& name) {
        const migrate::Migration m = migrate::abort_migration(*db, name, *space);
        if (f->json) {
          print_json_line(migrate::abort_json(name, m));
        } else {
          print_text("collection " + name + ": dropped space " + m.to.name() + " (" +
                     migrate::migration_state_name(m.state) + ", " + m.to.config.model_name + "); " +
                     m.record.from + " serves\n");
        }
        return 0;
      });
    });
  }
  subs.push_back(add_migrate_verify(cmd));

  return [subs] {
    for (const auto& [sub, run] : subs) {
      if (sub->parsed()) return run();
    }
    throw usage_error("name a migrate subcommand (see molt migrate --help)");
  };
}

}  // namespace molt::cli
