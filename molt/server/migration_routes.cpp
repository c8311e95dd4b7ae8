#include "molt/server/migration_routes.h"

#include <functional>
#include <string>

#include "molt/base/error.h"
#include "molt/migrate/migration_json.h"
#include "molt/migrate/migration_plan.h"
#include "molt/migrate/migration_status.h"
#include "molt/migrate/transitions.h"
#include "molt/migrate/verify_migration.h"
#include "molt/server/api_error.h"
#include "molt/server/collection_routes.h"
#include "molt/server/collection_wire.h"
#include "molt/server/migration_wire.h"

namespace molt::server {
namespace {

using nlohmann::ordered_json;

ordered_json run_report_json(const RunReport& r) {
  ordered_json j;
  j["state"] = r.state;
  j["seconds"] = r.seconds;
  j["error"] = r.error.empty() ? ordered_json(nullptr) : ordered_json(r.error);
  if (r.outcome) {
    const migrate::BackfillResult& b = r.outcome->backfill;
    j["embedded"] = b.embedded;
    j["written"] = b.written;
    j["skipped"] = b.skipped;
    j["caught_up"] = b.caught_up;
  }
  return j;
}

// `migrate status --json`, with "run": this server's latest run of the collection (null
// when it ran none).
ordered_json status_with_run(store::Store& db, const MigrationRunner& runner, const std::string& collection) {
  // The run's report first: a run lets go of its lock no later than its report says it ended,
  // so in this order an ended run never shows beside "running": true.
  const std::optional<RunReport> run = runner.report(db.collection(collection).id);
  const migrate::MigrationStatus s = migrate::migration_status(db, collection);
  ordered_json j = migrate::status_json(s);
  j["run"] = run ? run_report_json(*run) : ordered_json(nullptr);
  return j;
}

// The new space of a migration request: of a model served here, which embeds it.
struct Target {
  store::SpaceConfig config;
  ServedSpaceEncoder* encoder = nullptr;
  const ServedModel* model = nullptr;
};

Target served_target(const SpaceRequest& request, EmbeddingService& service, const ServedSpaceEncoders& encoders) {
  Target t;
  t.config = served_space_config(request, service);
  t.model = &service.models().find(request.model);
  t.encoder = encoders.find(t.config.model_hash);
  if (t.encoder == nullptr) throw internal_error("served model '" + t.model->name + "' has no space encoder");
  return t;
}

}  // namespace

std::vector<Route> migration_routes(store::Store& db, EmbeddingService& service, const ServedSpaceEncoders& encoders,
                                    MigrationRunner& runner, ServerMetrics& metrics) {
  const auto plan = [&db, &service, &encoders](const HttpRequest& request) {
    const std::string collection = db.collection(request.param("name")).name;
    const MigrationTargetRequest r = parse_migration_plan(request.body);
    const Target t = served_target(r.space, service, encoders);
    TokenizeOptions tokenize;
    tokenize.prompt_name = t.config.document_prompt.name;
    if (!t.config.document_prompt.prefix.empty()) tokenize.prefix = t.config.document_prompt.prefix;
    const EmbeddingBackend& backend = *t.model->backend;
    const migrate::TokenCounter count = [&backend, &tokenize](const std::string& text) {
      return backend.tokenize(text, tokenize).n_untruncated;
    };
    migrate::PlanOptions options;
    options.sample = r.sample;
    const migrate::MigrationPlan p = migrate::plan_migration(db, collection, t.config, *t.encoder, count, options);
    return json_response(dump_json(migrate::plan_json(p)));
  };
  const auto start = [&db, &service, &encoders, &runner](const HttpRequest& request) {
    const std::string collection = db.collection(request.param("name")).name;
    const MigrationTargetRequest r = parse_migration_start(request.body);
    const Target t = served_target(r.space, service, encoders);
    (void)runner.start(collection, t.config, *t.encoder, r.batch_size);
    HttpResponse response = json_response(dump_json(status_with_run(db, runner, collection)), 202);
    response.headers["Location"] = "/v1/collections/" + collection + "/migration";
    return response;
  };
  const auto status = [&db, &runner](const HttpRequest& request) {
    return json_response(dump_json(status_with_run(db, runner, db.collection(request.param("name")).name)));
  };
  const auto verify = [&db, &encoders](const HttpRequest& request) {
    const std::string collection = db.collection(request.param("name")).name;
    VerifyRequest r = parse_verify(request.body);
    if (!r.beir.empty()) {
      r.options.queries_source = migrate::load_beir_labels(r.options.quality, r.beir, r.split);
    } else if (!r.queries_file.empty()) {
      r.options.queries_source = migrate::load_file_labels(r.options.quality, r.queries_file, r.qrels_file);
    }
    const migrate::VerifyReport report = migrate::verify_migration(db, collection, encoders.provider(), r.options);
    const std::filesystem::path base = migrate::default_verify_report_base(db, collection);
    migrate::write_verify_report(report, base);
    ordered_json j = migrate::verify_json(report);
    j["report"] = {base.string() + ".md", base.string() + ".json"};
    return json_response(dump_json(j));
  };
  // A transition, counted, then the status.
  using Transition = std::function<migrate::Migration(store::Store&, const std::string&, const HttpRequest&)>;
  const auto transition = [&db, &runner, &metrics](std::string kind, Transition fn) {
    return [&db, &runner, &metrics, kind, fn](const HttpRequest& request) {
      const std::string collection = db.collection(request.param("name")).name;
      (void)fn(db, collection, request);
      metrics.migration_transition(collection, kind);
      return json_response(dump_json(status_with_run(db, runner, collection)));
    };
  };
  const auto canary = transition("canary", [](store::Store& s, const std::string& c, const HttpRequest& request) {
    return migrate::set_canary(s, c, parse_canary_percent(request.body));
  });
  const auto cutover = transition("cutover", [](store::Store& s, const std::string& c, const HttpRequest&) {
    return migrate::cutover(s, c);
  });
  const auto rollback = transition("rollback", [](store::Store& s, const std::string& c, const HttpRequest&) {
    return migrate::rollback(s, c);
  });
  const auto finalize = transition("finalize", [](store::Store& s, const std::string& c, const HttpRequest&) {
    return migrate::finalize(s, c);
  });

  // Abort answers what it dropped (the migration is gone, so there is no status to give).
  const auto abort_route = [&db, &metrics](const HttpRequest& request) {
    const std::string collection = db.collection(request.param("name")).name;
    const migrate::Migration was = migrate::abort_migration(db, collection, parse_abort_space(request.body));
    metrics.migration_transition(collection, "abort");
    return json_response(dump_json(migrate::abort_json(collection, was)));
  };

  const std::string m = "/v1/collections/{name}/migration";
  return {
      Route{"POST", m + "/plan", m + "/plan", false, plan},
      Route{"POST", m, m, false, start},
      Route{"GET", m, m, false, status},
      Route{"POST", m + "/verify", m + "/verify", false, verify},
      Route{"POST", m + "/canary", m + "/canary", false, canary},
      Route{"POST", m + "/cutover", m + "/cutover", false, cutover},
      Route{"POST", m + "/rollback", m + "/rollback", false, rollback},
      Route{"POST", m + "/finalize", m + "/finalize", false, finalize},
      Route{"POST", m + "/abort", m + "/abort", false, abort_route},
  };
}

std::vector<ServerMetrics::MigrationState> migration_metrics(store::Store& db) {
  std::vector<ServerMetrics::MigrationState> out;
  for (const store::CollectionStats& stats : db.list_collections()) {
    if (!migrate::find_migration(stats.info)) continue;
    try {
      const migrate::MigrationStatus s = migrate::migration_status(db, stats.info.name);
      ServerMetrics::MigrationState m;
      m.collection = s.collection;
      m.space = s.migration.to.name();
      m.state = migrate::migration_state_name(s.migration.state);
      m.done = s.done;
      m.total = s.total;
      m.log_lag = s.log_lag;
      m.docs_per_second = s.rate;
      m.running = s.running;
      out.push_back(std::move(m));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kNotFound) throw;  // dropped meanwhile
    }
  }
  return out;
}

}  // namespace molt::server
