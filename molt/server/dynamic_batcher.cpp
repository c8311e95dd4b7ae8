#include "molt/server/dynamic_batcher.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "molt/base/check.h"
#include "molt/base/error.h"

namespace molt::server {
namespace {

Error overloaded(std::string what) { return Error(ErrorKind::kOverloaded, std::move(what)); }

}  // namespace

DynamicBatcher::Job::Job(std::vector<TokenIds> inputs, const ComputeOptions& options,
                         Clock::time_point deadline)
    : inputs_(std::move(inputs)),
      options_(options),
      deadline_(deadline),
      vectors_(inputs_.size() * options.dim),
      remaining_(inputs_.size()) {}

void DynamicBatcher::Job::fail(std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
  }
  done_.notify_all();
}

bool DynamicBatcher::Job::abandoned() const {
  std::lock_guard lock(mutex_);
  return error_ != nullptr || given_up_;
}

DynamicBatcher::DynamicBatcher(EmbeddingBackend& backend, BatcherOptions options, BatcherObserver observer)
    : backend_(backend), options_(options), observer_(std::move(observer)) {
  MOLT_CHECK(options_.max_batch_tokens > 0 && options_.max_batch_inputs > 0);
  worker_ = std::thread([this] { run(); });
}

DynamicBatcher::~DynamicBatcher() { stop(); }

void DynamicBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::shared_ptr<DynamicBatcher::Job> DynamicBatcher::submit(std::vector<TokenIds> inputs,
                                                            const ComputeOptions& options,
                                                            Clock::time_point deadline) {
  std::size_t total = 0;
  for (const TokenIds& ids : inputs) {
    MOLT_CHECK(!ids.empty());
    total += ids.size();
  }
  if (total > options_.max_queue_tokens) {
    throw input_error("the request holds " + std::to_string(total) +
                      " tokens, more than the server's whole queue (--max-queue-tokens " +
                      std::to_string(options_.max_queue_tokens) + "); split it into smaller requests");
  }
  const std::size_t n = inputs.size();
  auto job = std::make_shared<Job>(std::move(inputs), options, deadline);
  std::size_t depth = 0;
  std::size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw overloaded("the server is shutting down");
    if (queued_tokens_ + total > options_.max_queue_tokens) {
      throw overloaded("server at capacity: " + std::to_string(queued_tokens_) +
                       " tokens already queued for this model (--max-queue-tokens " +
                       std::to_string(options_.max_queue_tokens) + "); retry later");
    }
    const Clock::time_point now = Clock::now();
    for (std::size_t row = 0; row < n; ++row) {
      queue_.push_back(Pending{job, row, job->inputs_[row].size(), now});
    }
    queued_tokens_ += total;
    depth = queue_.size();
    queued = queued_tokens_;
  }
  wake_.notify_one();
  if (observer_.on_submit) observer_.on_submit(depth, queued);
  return job;
}

std::vector<float> DynamicBatcher::wait(Job& job) {
  std::unique_lock lock(job.mutex_);
  const bool finished = job.done_.wait_until(lock, job.deadline_, [&] {
    return job.remaining_ == 0 || job.error_ != nullptr;
  });
  if (!finished) {
    job.given_up_ = true;  // the worker drops what is still queued
    throw overloaded("the request did not complete within the server's --request-timeout; retry later");
  }
  if (job.error_) std::rethrow_exception(job.error_);
  return std::move(job.vectors_);
}

std::size_t DynamicBatcher::queued_tokens() const {
  std::lock_guard lock(mutex_);
  return queued_tokens_;
}

std::size_t DynamicBatcher::queued_inputs() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

int DynamicBatcher::retry_after_seconds() const {
  std::lock_guard lock(mutex_);
  if (tokens_per_second_ <= 0.0) return 1;
  const double seconds = std::ceil(static_cast<double>(queued_tokens_) / tokens_per_second_);
  return static_cast<int>(std::clamp(seconds, 1.0, 60.0));
}

void DynamicBatcher::run() {
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      batch = take_batch(lock);
    }
    if (!batch.empty()) compute(batch);
  }
}

std::vector<DynamicBatcher::Pending> DynamicBatcher::take_batch(std::unique_lock<std::mutex>& lock) {
  if (options_.batching && !stopping_) {
    // Give batch-mates until the oldest input has waited max_wait, unless a full batch is
    // already queued.
    wake_.wait_until(lock, queue_.front().enqueued + options_.max_wait, [&] {
      return stopping_ || queued_tokens_ >= options_.max_batch_tokens ||
             queue_.size() >= options_.max_batch_inputs;
    });
  }
  std::vector<Pending> batch;
  std::size_t tokens = 0;
  const Clock::time_point now = Clock::now();
  while (!queue_.empty()) {
    Pending& p = queue_.front();
    if (p.job->abandoned() || now > p.job->deadline_) {
      if (now > p.job->deadline_) {
        p.job->fail(std::make_exception_ptr(
            overloaded("the request waited longer than the server's --request-timeout; retry later")));
      }
      queued_tokens_ -= p.n_tokens;
      queue_.pop_front();
      continue;
    }
    if (!batch.empty()) {
      const Job& first = *batch.front().job;
      if (!(p.job->options_ == first.options_)) break;           // a batch has one set of options
      if (!options_.batching && p.job.get() != &first) break;     // one request per batch
      if (tokens + p.n_tokens > options_.max_batch_tokens) break;
      if (batch.size() >= options_.max_batch_inputs) break;
    }
    tokens += p.n_tokens;
    queued_tokens_ -= p.n_tokens;
    batch.push_back(std::move(p));
    queue_.pop_front();
  }
  return batch;
}

void DynamicBatcher::compute(std::vector<Pending>& batch) {
  const ComputeOptions options = batch.front().job->options_;
  const std::size_t dim = options.dim;
  std::vector<TokenIds> ids;
  ids.reserve(batch.size());
  BatchEvent event;
  const Clock::time_point start = Clock::now();
  event.oldest_wait_seconds = std::chrono::duration<double>(start - batch.front().enqueued).count();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Pending& p = batch[i];
    // Only the worker reads a job's inputs after submit, so no lock is needed.
    ids.push_back(std::move(p.job->inputs_[p.row]));
    event.n_tokens += p.n_tokens;
    if (i == 0 || p.job != batch[i - 1].job) ++event.n_requests;  // a job's rows queue together
  }
  event.n_inputs = batch.size();

  std::vector<float> out(batch.size() * dim);
  std::exception_ptr error;
  try {
    backend_.embed(ids, options, out);
  } catch (...) {
    error = std::current_exception();
  }
  event.compute_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  event.failed = error != nullptr;

  for (std::size_t i = 0; i < batch.size(); ++i) {
    Job& job = *batch[i].job;
    if (error) {
      job.fail(error);
      continue;
    }
    bool finished = false;
    {
      std::lock_guard lock(job.mutex_);
      if (job.error_ || job.given_up_) continue;
      std::memcpy(job.vectors_.data() + batch[i].row * dim, out.data() + i * dim, dim * sizeof(float));
      finished = --job.remaining_ == 0;
    }
    if (finished) job.done_.notify_all();
  }
  if (!error && event.compute_seconds > 0.0) {
    const double rate = static_cast<double>(event.n_tokens) / event.compute_seconds;
    std::lock_guard lock(mutex_);
    tokens_per_second_ = tokens_per_second_ <= 0.0 ? rate : 0.8 * tokens_per_second_ + 0.2 * rate;
  }
  if (observer_.on_batch) observer_.on_batch(event);
}

}  // namespace molt::server
