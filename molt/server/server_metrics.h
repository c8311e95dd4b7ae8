// ServerMetrics: the metrics `molt serve` exposes on GET /metrics -- HTTP requests by route
// and status with latency histograms, batch sizes and queue depth per model, tokens per
// second, cache hits and misses, process memory -- and the hooks that feed them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "molt/server/dynamic_batcher.h"
#include "molt/server/embedding_cache.h"
#include "molt/server/metrics.h"

namespace molt::server {

// Tokens per second over a sliding window of whole seconds. Thread-safe.
class RateWindow {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateWindow(int seconds = 10) : seconds_(seconds) {}
  void add(double amount, Clock::time_point now = Clock::now());
  // Average per second over the last `seconds` complete seconds.
  double rate(Clock::time_point now = Clock::now()) const;

 private:
  int seconds_;
  mutable std::mutex mutex_;
  std::deque<std::pair<std::int64_t, double>> buckets_;  // (second, amount), oldest first
};

class ServerMetrics {
 public:
  ServerMetrics();
  ~ServerMetrics();

  // One answered HTTP request. `route` is the route's pattern ("/v1/collections/{name}"),
  // never the raw path, so label values stay few.
  void observe_request(std::string_view route, std::string_view method, int status, double seconds);
  void request_started();
  void request_finished();
  void connection_refused();  // refused for lack of HTTP workers, before any parsing

  // Hooks for the batcher of model `model`.
  BatcherObserver batcher_observer(const std::string& model);
  void cache_lookups(const std::string& model, std::size_t hits, std::size_t misses);

  // State sampled when /metrics is scraped.
  struct ModelState {
    std::string name;
    std::string identity;
    std::size_t dim = 0;
    std::size_t queued_inputs = 0;
    std::size_t queued_tokens = 0;
  };
  std::string render(const std::vector<ModelState>& models, const CacheStats& cache);

  // Migrations, sampled when /metrics is scraped: one per collection that has one.
  struct MigrationState {
    std::string collection;
    std::string space;  // the new space
    std::string state;  // migrate::migration_state_name
    std::int64_t done = 0;
    std::int64_t total = 0;
    std::int64_t log_lag = 0;
    double docs_per_second = 0.0;
    bool running = false;
  };
  // Replaces the migration gauges with `migrations` (collections without one drop out).
  void set_migrations(const std::vector<MigrationState>& migrations);
  // One migration transition of `collection`: "start", "ready", "stopped", "failed",
  // "canary", "cutover", "rollback", "finalize", "abort".
  void migration_transition(const std::string& collection, const std::string& transition);

  MetricsRegistry& registry() { return registry_; }

 private:
  struct PerModel;
  PerModel& model(const std::string& name);

  MetricsRegistry registry_;
  CounterFamily& requests_;
  HistogramFamily& request_seconds_;
  GaugeFamily& in_flight_;
  CounterFamily& refused_connections_;
  HistogramFamily& batch_inputs_;
  HistogramFamily& batch_tokens_;
  HistogramFamily& batch_requests_;
  HistogramFamily& batch_seconds_;
  HistogramFamily& queue_wait_seconds_;
  HistogramFamily& queue_depth_;
  CounterFamily& batch_failures_;
  CounterFamily& inputs_total_;
  CounterFamily& tokens_total_;
  GaugeFamily& tokens_per_second_;
  GaugeFamily& queue_inputs_;
  GaugeFamily& queue_tokens_;
  GaugeFamily& model_info_;
  CounterFamily& cache_hits_;
  CounterFamily& cache_misses_;
  CounterFamily& cache_evictions_;
  GaugeFamily& cache_entries_;
  GaugeFamily& cache_bytes_;
  GaugeFamily& cache_capacity_;
  GaugeFamily& resident_bytes_;
  GaugeFamily& peak_resident_bytes_;
  GaugeFamily& open_fds_;
  GaugeFamily& start_time_;
  GaugeFamily& migration_done_;
  GaugeFamily& migration_total_;
  GaugeFamily& migration_state_;
  GaugeFamily& migration_log_lag_;
  GaugeFamily& migration_rate_;
  GaugeFamily& migration_running_;
  CounterFamily& migration_transitions_;
  std::mutex migrations_mutex_;

  std::mutex models_mutex_;
  std::vector<std::unique_ptr<PerModel>> models_;
};

}  // namespace molt::server
