// MigrationRunner: the migrations a server runs in the background, at most one per
// collection. A run holds the collection's RunLock for its whole life, so a server run and
// a `molt migrate run` never overlap; it embeds through the served model (sharing its
// batcher with the API, and waiting out a full queue rather than failing), and stops at a
// batch boundary when the server drains, leaving a state the next start (or the CLI)
// resumes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "molt/migrate/migration_run.h"
#include "molt/migrate/run_lock.h"
#include "molt/server/server_metrics.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::server {

// What a client learns of a server's latest run of one collection.
struct RunReport {
  std::string state;  // "running", "stopped" (the drain stopped it), "done", "failed"
  std::optional<migrate::RunOutcome> outcome;  // once it ended without failing
  std::string error;                           // when failed
  double seconds = 0.0;                        // so far, or in all
};

class MigrationRunner {
 public:
  MigrationRunner(store::Store& store, ServerMetrics& metrics);
  ~MigrationRunner();  // stops and joins every run
  MigrationRunner(const MigrationRunner&) = delete;
  MigrationRunner& operator=(const MigrationRunner&) = delete;

  // Takes the collection's run lock (conflict_error when this server or another process
  // runs it), begins or resumes its migration to `target` (refusals as begin_migration's),
  // and runs it on a thread of its own with `encoder`, which must outlive the run. Returns
  // the migration as it stands when the run starts. Refused (conflict_error) once stopping.
  migrate::Migration start(const std::string& collection, const store::SpaceConfig& target,
                           store::SpaceEncoder& encoder, std::size_t batch_size);

  // This server's latest run of the collection with id `collection_id`, if any.
  std::optional<RunReport> report(std::int64_t collection_id) const;

  // Asks every run to stop after the batch it is writing and refuses new ones; returns at
  // once (any thread, any number of times).
  void request_stop() { stop_.store(true); }
  // request_stop(), then waits for every run to end.
  void stop_and_join();

 private:
  struct Job;
  void run(Job& job);

  store::Store& store_;
  ServerMetrics& metrics_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::unique_ptr<Job>> jobs_;  // by collection id
};

}  // namespace molt::server
