// DynamicBatcher: merges the inputs of concurrent requests into batches for one model.
//
// Request threads submit a request's token sequences as one job; a single worker thread
// takes queued inputs in arrival order into a batch -- up to max_batch_tokens tokens and
// max_batch_inputs sequences, all with the same ComputeOptions -- runs the backend on it and
// hands each row back to its job. While a batch computes, new requests queue up and form
// the next one; when the worker is idle it waits at most max_wait after the oldest queued
// input for batch-mates. The queue is bounded in tokens: a request that does not fit is
// refused at once (kOverloaded, HTTP 429) rather than queued, so memory stays bounded under
// any load. Without batching each batch holds inputs of one request only, as a server
// without a batcher would run them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "molt/server/embedding_backend.h"

namespace molt::server {

struct BatcherOptions {
  std::size_t max_batch_tokens = 16384;  // tokens per batch (sum of sequence lengths)
  std::size_t max_batch_inputs = 256;    // sequences per batch
  std::chrono::microseconds max_wait{2000};  // idle worker: longest wait for batch-mates
  std::size_t max_queue_tokens = 262144;     // admission bound: tokens queued, not yet computing
  bool batching = true;                  // false: one request per batch, no waiting
};

// What the worker reports after each batch (for metrics).
struct BatchEvent {
  std::size_t n_inputs = 0;
  std::size_t n_tokens = 0;
  std::size_t n_requests = 0;     // distinct jobs in the batch
  double compute_seconds = 0.0;
  double oldest_wait_seconds = 0.0;  // queue time of the batch's first input
  bool failed = false;
};

struct BatcherObserver {
  std::function<void(std::size_t queued_inputs, std::size_t queued_tokens)> on_submit;
  std::function<void(const BatchEvent&)> on_batch;
};

class DynamicBatcher {
 public:
  using Clock = std::chrono::steady_clock;
  class Job;

  // `backend` must outlive the batcher. Starts the worker thread.
  DynamicBatcher(EmbeddingBackend& backend, BatcherOptions options, BatcherObserver observer = {});
  ~DynamicBatcher();  // stop()
  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  // Queues one request's sequences (each non-empty), all or none. Throws Error kOverloaded
  // when the queue cannot take them now or the batcher is stopping; input_error when the
  // request alone is larger than the whole queue (it could never be admitted). Thread-safe.
  std::shared_ptr<Job> submit(std::vector<TokenIds> inputs, const ComputeOptions& options,
                              Clock::time_point deadline);

  // Blocks until every row of `job` is computed; returns f32 [n_inputs, options.dim]. Throws
  // the batch's molt::Error if the backend failed, or Error kOverloaded when the deadline
  // passes first (the job's remaining inputs are then dropped from the queue).
  std::vector<float> wait(Job& job);

  // Finishes every queued input, then stops the worker. Later submits are refused.
  void stop();

  std::size_t queued_tokens() const;
  std::size_t queued_inputs() const;
  // Seconds the queued work would take at the recent throughput; at least 1.
  int retry_after_seconds() const;
  const BatcherOptions& options() const { return options_; }

 private:
  struct Pending {
    std::shared_ptr<Job> job;
    std::size_t row = 0;
    std::size_t n_tokens = 0;
    Clock::time_point enqueued;
  };

  void run();
  std::vector<Pending> take_batch(std::unique_lock<std::mutex>& lock);
  void compute(std::vector<Pending>& batch);

  EmbeddingBackend& backend_;
  const BatcherOptions options_;
  const BatcherObserver observer_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::size_t queued_tokens_ = 0;
  bool stopping_ = false;
  double tokens_per_second_ = 0.0;  // moving average over recent batches
  std::thread worker_;
};

// One request's inputs in flight. Shared by the request thread and the worker.
class DynamicBatcher::Job {
 public:
  Job(std::vector<TokenIds> inputs, const ComputeOptions& options, Clock::time_point deadline);

 private:
  friend class DynamicBatcher;

  // Marks the job finished with `error` (first error wins); pending rows are skipped.
  void fail(std::exception_ptr error);
  bool abandoned() const;  // failed, or given up by its waiter

  std::vector<TokenIds> inputs_;  // moved out row by row as batches take them
  ComputeOptions options_;
  Clock::time_point deadline_;

  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::vector<float> vectors_;   // f32 [n, options_.dim]
  std::size_t remaining_ = 0;
  std::exception_ptr error_;
  bool given_up_ = false;
};

}  // namespace molt::server
