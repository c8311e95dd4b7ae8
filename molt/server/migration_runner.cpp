#include "molt/server/migration_runner.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/migrate/transitions.h"

namespace molt::server {
namespace {

using Clock = std::chrono::steady_clock;

// The served encoder, patient: a full model queue (the API's traffic comes first) makes the
// backfill wait and retry rather than fail, until the server stops.
class PatientEncoder final : public store::SpaceEncoder {
 public:
  PatientEncoder(store::SpaceEncoder& inner, const std::atomic<bool>& stop) : inner_(inner), stop_(stop) {}
  store::ModelIdentity identity() const override { return inner_.identity(); }
  std::size_t dim() const override { return inner_.dim(); }
  std::vector<float> embed(std::span<const std::string> texts, const store::EmbedRequest& request) override {
    auto wait = std::chrono::milliseconds(20);
    for (;;) {
      try {
        return inner_.embed(texts, request);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kOverloaded || stop_.load()) throw;
      }
      std::this_thread::sleep_for(wait);
      wait = std::min(wait * 2, std::chrono::milliseconds(1000));
    }
  }

 private:
  store::SpaceEncoder& inner_;
  const std::atomic<bool>& stop_;
};

}  // namespace

struct MigrationRunner::Job {
  std::string collection;
  std::unique_ptr<migrate::RunLock> lock;
  migrate::Migration begun;
  store::SpaceEncoder* encoder = nullptr;
  std::size_t batch_size = 64;
  Clock::time_point started;
  // Written by the run's thread, read under the runner's mutex.
  RunReport report;
  std::thread thread;
};

MigrationRunner::MigrationRunner(store::Store& store, ServerMetrics& metrics) : store_(store), metrics_(metrics) {}

MigrationRunner::~MigrationRunner() { stop_and_join(); }

migrate::Migration MigrationRunner::start(const std::string& collection, const store::SpaceConfig& target,
                                          store::SpaceEncoder& encoder, std::size_t batch_size) {
  const store::CollectionInfo info = store_.collection(collection);
  std::lock_guard guard(mutex_);
  if (stop_.load()) throw conflict_error("the server is shutting down; start the migration again after it restarts");
  auto it = jobs_.find(info.id);
  if (it != jobs_.end()) {
    if (it->second->report.state == "running") {
      throw conflict_error("a migration of collection '" + info.name +
                               "' is already running in this server; see GET /v1/collections/" + info.name +
                               "/migration",
                           {.field = "collection"});
    }
    it->second->thread.join();
    jobs_.erase(it);
  }
  auto job = std::make_unique<Job>();
  job->collection = info.name;
  job->lock = std::make_unique<migrate::RunLock>(store_.dir(), info.id, info.name);
  job->begun = migrate::begin_migration(store_, info.name, target);
  job->encoder = &encoder;
  job->batch_size = batch_size;
  job->started = Clock::now();
  job->report.state = "running";
  Job& j = *job;
  jobs_.emplace(info.id, std::move(job));
  metrics_.migration_transition(info.name, "start");
  j.thread = std::thread([this, &j] { run(j); });
  return j.begun;
}

void MigrationRunner::run(Job& job) {
  RunReport report;
  try {
    PatientEncoder encoder(*job.encoder, stop_);
    migrate::RunOptions options;
    options.backfill.batch_size = job.batch_size;
    options.backfill.stop = &stop_;
    report.outcome = migrate::run_migration(store_, job.collection, job.begun, encoder, options);
    report.state = report.outcome->backfill.stopped ? "stopped" : "done";
  } catch (const std::exception& e) {
    report.state = "failed";
    report.error = e.what();
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - job.started).count();
  metrics_.migration_transition(job.collection, report.state == "done" ? "ready" : report.state);
  std::lock_guard guard(mutex_);
  job.lock.reset();  // the run is over: a CLI run may take the collection now
  job.report = std::move(report);
}

std::optional<RunReport> MigrationRunner::report(std::int64_t collection_id) const {
  std::lock_guard guard(mutex_);
  const auto it = jobs_.find(collection_id);
  if (it == jobs_.end()) return std::nullopt;
  RunReport r = it->second->report;
  if (r.state == "running") r.seconds = std::chrono::duration<double>(Clock::now() - it->second->started).count();
  return r;
}

void MigrationRunner::stop_and_join() {
  stop_.store(true);
  std::map<std::int64_t, std::unique_ptr<Job>> jobs;
  {
    std::lock_guard guard(mutex_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) {
    if (job->thread.joinable()) job->thread.join();
  }
  std::lock_guard guard(mutex_);
  for (auto& [id, job] : jobs) jobs_.emplace(id, std::move(job));
}

}  // namespace molt::server
