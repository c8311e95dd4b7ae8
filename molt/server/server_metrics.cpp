#include "molt/server/server_metrics.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

namespace molt::server {
namespace {

const std::vector<double> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1.0,    2.5,   5.0,  10.0,  30.0, 60.0};

// "VmRSS:   1234 kB" -> bytes; 0 when absent.
double status_kb(const std::string& status, const char* key) {
  const auto at = status.find(key);
  if (at == std::string::npos) return 0.0;
  return std::strtod(status.c_str() + at + std::char_traits<char>::length(key), nullptr) * 1024.0;
}

std::string read_proc_status() {
  std::ifstream in("/proc/self/status");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

double count_open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

}  // namespace

void RateWindow::add(double amount, Clock::time_point now) {
  const std::int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::lock_guard lock(mutex_);
  if (buckets_.empty() || buckets_.back().first != second) buckets_.emplace_back(second, 0.0);
  buckets_.back().second += amount;
  while (!buckets_.empty() && buckets_.front().first < second - seconds_) buckets_.pop_front();
}

double RateWindow::rate(Clock::time_point now) const {
  const std::int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::lock_guard lock(mutex_);
  double total = 0.0;
  for (const auto& [s, amount] : buckets_) {
    if (s >= second - seconds_ && s < second) total += amount;  // complete seconds only
  }
  return total / seconds_;
}

struct ServerMetrics::PerModel {
  std::string name;
  RateWindow tokens;
};

ServerMetrics::ServerMetrics()
    : requests_(registry_.counter("molt_http_requests_total", "HTTP requests answered, by route, method and status",
                                  {"route", "method", "status"})),
      request_seconds_(registry_.histogram("molt_http_request_duration_seconds",
                                           "Time from a request's arrival to its answer, by route", kLatencyBuckets,
                                           {"route"})),
      in_flight_(registry_.gauge("molt_http_requests_in_flight", "Requests being handled now")),
      refused_connections_(registry_.counter("molt_http_connections_refused_total",
                                             "Connections answered 429 at once because every HTTP worker was busy")),
      batch_inputs_(registry_.histogram("molt_batch_size", "Inputs (sequences) per computed batch",
                                        exponential_buckets(1, 2, 11), {"model"})),
      batch_tokens_(registry_.histogram("molt_batch_tokens", "Tokens per computed batch",
                                        exponential_buckets(16, 2, 13), {"model"})),
      batch_requests_(registry_.histogram("molt_batch_requests", "Requests merged into one computed batch",
                                          exponential_buckets(1, 2, 9), {"model"})),
      batch_seconds_(registry_.histogram("molt_batch_duration_seconds", "Compute time of one batch",
                                         kLatencyBuckets, {"model"})),
      queue_wait_seconds_(registry_.histogram("molt_queue_wait_seconds",
                                              "Time the first input of a batch waited in the queue",
                                              kLatencyBuckets, {"model"})),
      queue_depth_(registry_.histogram("molt_queue_depth", "Inputs queued for the model when a request is admitted",
                                       {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192}, {"model"})),
      batch_failures_(registry_.counter("molt_batch_failures_total", "Batches whose computation failed", {"model"})),
      inputs_total_(registry_.counter("molt_embedded_inputs_total", "Inputs embedded by the model", {"model"})),
      tokens_total_(registry_.counter("molt_embedded_tokens_total", "Tokens embedded by the model", {"model"})),
      tokens_per_second_(registry_.gauge("molt_tokens_per_second",
                                         "Tokens embedded per second over the last 10 seconds", {"model"})),
      queue_inputs_(registry_.gauge("molt_queue_inputs", "Inputs waiting in the model's queue now", {"model"})),
      queue_tokens_(registry_.gauge("molt_queue_tokens", "Tokens waiting in the model's queue now", {"model"})),
      model_info_(registry_.gauge("molt_model_info", "Served models (value 1)", {"model", "identity", "dim"})),
      cache_hits_(registry_.counter("molt_cache_hits_total", "Inputs answered from the embedding cache", {"model"})),
      cache_misses_(registry_.counter("molt_cache_misses_total", "Inputs not in the embedding cache", {"model"})),
      cache_evictions_(registry_.counter("molt_cache_evictions_total", "Entries evicted from the embedding cache")),
      cache_entries_(registry_.gauge("molt_cache_entries", "Vectors held by the embedding cache")),
      cache_bytes_(registry_.gauge("molt_cache_bytes", "Bytes charged to the embedding cache")),
      cache_capacity_(registry_.gauge("molt_cache_capacity_bytes", "The embedding cache's bound (--cache-mb)")),
      resident_bytes_(registry_.gauge("process_resident_memory_bytes", "Resident memory of the server process")),
      peak_resident_bytes_(registry_.gauge("molt_process_peak_resident_memory_bytes",
                                           "Peak resident memory of the server process (VmHWM)")),
      open_fds_(registry_.gauge("process_open_fds", "Open file descriptors (connections included)")),
      start_time_(registry_.gauge("process_start_time_seconds", "When the server started, in Unix seconds")),
      migration_done_(registry_.gauge("molt_migration_done_documents",
                                      "Documents with a vector in the migration's new space", {"collection", "space"})),
      migration_total_(registry_.gauge("molt_migration_total_documents", "Documents of the migrating collection",
                                       {"collection", "space"})),
      migration_state_(registry_.gauge("molt_migration_state",
                                       "The migration's state (1 for the current one, 0 for the others)",
                                       {"collection", "space", "state"})),
      migration_log_lag_(registry_.gauge("molt_migration_change_log_lag",
                                         "Change-log sequence numbers the catch-up has not checked yet",
                                         {"collection", "space"})),
      migration_rate_(registry_.gauge("molt_migration_docs_per_second",
                                      "Documents embedded per second by the migration's latest run",
                                      {"collection", "space"})),
      migration_running_(registry_.gauge("molt_migration_running",
                                         "1 while a run (this server's or another process's) backfills",
                                         {"collection", "space"})),
      migration_transitions_(registry_.counter("molt_migration_transitions_total",
                                               "Migration transitions made by this server, by collection and kind",
                                               {"collection", "transition"})) {
  start_time_.with({}).set(static_cast<double>(std::time(nullptr)));
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::observe_request(std::string_view route, std::string_view method, int status, double seconds) {
  const std::string r(route);
  requests_.with({r, std::string(method), std::to_string(status)}).add();
  request_seconds_.with({r}).observe(seconds);
}

void ServerMetrics::request_started() { in_flight_.with({}).add(1); }
void ServerMetrics::request_finished() { in_flight_.with({}).add(-1); }
void ServerMetrics::connection_refused() { refused_connections_.with({}).add(); }

ServerMetrics::PerModel& ServerMetrics::model(const std::string& name) {
  std::lock_guard lock(models_mutex_);
  for (const auto& m : models_) {
    if (m->name == name) return *m;
  }
  models_.push_back(std::make_unique<PerModel>());
  models_.back()->name = name;
  return *models_.back();
}

BatcherObserver ServerMetrics::batcher_observer(const std::string& name) {
  PerModel& m = model(name);
  Histogram& depth = queue_depth_.with({name});
  Histogram& inputs = batch_inputs_.with({name});
  Histogram& tokens = batch_tokens_.with({name});
  Histogram& requests = batch_requests_.with({name});
  Histogram& seconds = batch_seconds_.with({name});
  Histogram& wait = queue_wait_seconds_.with({name});
  Counter& failures = batch_failures_.with({name});
  Counter& inputs_total = inputs_total_.with({name});
  Counter& tokens_total = tokens_total_.with({name});
  BatcherObserver observer;
  observer.on_submit = [&depth](std::size_t queued_inputs, std::size_t) {
    depth.observe(static_cast<double>(queued_inputs));
  };
  observer.on_batch = [&, rate = &m.tokens](const BatchEvent& e) {
    if (e.failed) {
      failures.add();
      return;
    }
    inputs.observe(static_cast<double>(e.n_inputs));
    tokens.observe(static_cast<double>(e.n_tokens));
    requests.observe(static_cast<double>(e.n_requests));
    seconds.observe(e.compute_seconds);
    wait.observe(e.oldest_wait_seconds);
    inputs_total.add(static_cast<double>(e.n_inputs));
    tokens_total.add(static_cast<double>(e.n_tokens));
    rate->add(static_cast<double>(e.n_tokens));
  };
  return observer;
}

void ServerMetrics::cache_lookups(const std::string& model, std::size_t hits, std::size_t misses) {
  if (hits > 0) cache_hits_.with({model}).add(static_cast<double>(hits));
  if (misses > 0) cache_misses_.with({model}).add(static_cast<double>(misses));
}

std::string ServerMetrics::render(const std::vector<ModelState>& models, const CacheStats& cache) {
  for (const ModelState& s : models) {
    queue_inputs_.with({s.name}).set(static_cast<double>(s.queued_inputs));
    queue_tokens_.with({s.name}).set(static_cast<double>(s.queued_tokens));
    tokens_per_second_.with({s.name}).set(model(s.name).tokens.rate());
    model_info_.with({s.name, s.identity, std::to_string(s.dim)}).set(1);
  }
  cache_evictions_.with({}).set_total(static_cast<double>(cache.evictions));
  cache_entries_.with({}).set(static_cast<double>(cache.entries));
  cache_bytes_.with({}).set(static_cast<double>(cache.bytes));
  cache_capacity_.with({}).set(static_cast<double>(cache.capacity_bytes));
  const std::string status = read_proc_status();
  resident_bytes_.with({}).set(status_kb(status, "VmRSS:"));
  peak_resident_bytes_.with({}).set(status_kb(status, "VmHWM:"));
  open_fds_.with({}).set(count_open_fds());
  return registry_.render();
}

void ServerMetrics::set_migrations(const std::vector<MigrationState>& migrations) {
  static constexpr const char* kStates[] = {"backfilling", "ready", "canary", "cut_over", "finalized"};
  std::lock_guard lock(migrations_mutex_);
  for (GaugeFamily* f : {&migration_done_, &migration_total_, &migration_state_, &migration_log_lag_,
                         &migration_rate_, &migration_running_}) {
    f->clear();
  }
  for (const MigrationState& m : migrations) {
    const LabelValues labels{m.collection, m.space};
    migration_done_.with(labels).set(static_cast<double>(m.done));
    migration_total_.with(labels).set(static_cast<double>(m.total));
    migration_log_lag_.with(labels).set(static_cast<double>(m.log_lag));
    migration_rate_.with(labels).set(m.docs_per_second);
    migration_running_.with(labels).set(m.running ? 1 : 0);
    for (const char* state : kStates) migration_state_.with({m.collection, m.space, state}).set(m.state == state ? 1 : 0);
  }
}

void ServerMetrics::migration_transition(const std::string& collection, const std::string& transition) {
  migration_transitions_.with({collection, transition}).add();
}

}  // namespace molt::server
