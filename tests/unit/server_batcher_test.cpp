// DynamicBatcher: concurrent requests share batches within the token budget, every row is
// what the model gives that input alone, the queue is bounded, failures and timeouts reach
// the right requests, and stop() finishes queued work.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/server/dynamic_batcher.h"
#include "tests/support/fake_embedding_backend.h"

namespace molt::server {
namespace {

using namespace std::chrono_literals;
using test::FakeBackendConfig;
using test::FakeEmbeddingBackend;

DynamicBatcher::Clock::time_point far_deadline() { return DynamicBatcher::Clock::now() + 60s; }

TokenIds seq(std::int32_t first, std::size_t n) {
  TokenIds ids;
  for (std::size_t i = 0; i < n; ++i) ids.push_back(first + static_cast<std::int32_t>(i));
  return ids;
}

ErrorKind kind_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no molt::Error thrown";
  return ErrorKind::kInternal;
}

TEST(DynamicBatcher, EveryRowIsItsOwnInputsVector) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 6});
  DynamicBatcher batcher(backend, BatcherOptions{});
  const ComputeOptions options{6, std::nullopt};
  std::vector<TokenIds> inputs = {seq(10, 3), seq(20, 7), seq(5, 1)};
  const auto job = batcher.submit(inputs, options, far_deadline());
  const std::vector<float> out = batcher.wait(*job);
  ASSERT_EQ(out.size(), 18u);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<float> want = backend.reference(inputs[i], options);
    EXPECT_EQ(std::vector<float>(out.begin() + i * 6, out.begin() + (i + 1) * 6), want) << i;
  }
}

TEST(DynamicBatcher, ConcurrentRequestsShareBatches) {
  // Each batch costs 20 ms: 32 requests arriving together must not take 32 batches.
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 20ms});
  BatcherOptions options;
  options.max_wait = 5ms;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  std::vector<std::future<std::vector<float>>> results;
  for (int r = 0; r < 32; ++r) {
    results.push_back(std::async(std::launch::async, [&, r] {
      const auto job = batcher.submit({seq(100 + r, 4)}, compute, far_deadline());
      return batcher.wait(*job);
    }));
  }
  for (int r = 0; r < 32; ++r) EXPECT_EQ(results[r].get(), backend.reference(seq(100 + r, 4), compute)) << r;
  EXPECT_LT(backend.n_batches(), 16u);
  EXPECT_GT(backend.max_batch_inputs(), 2u);
}

TEST(DynamicBatcher, BatchesStayWithinTheTokenAndInputBudgets) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 2ms});
  BatcherOptions options;
  options.max_batch_tokens = 40;
  options.max_batch_inputs = 6;
  options.max_wait = 20ms;
  DynamicBatcher batcher(backend, options);
  std::vector<TokenIds> inputs;
  for (int i = 0; i < 50; ++i) inputs.push_back(seq(i + 3, 1 + i % 9));
  const auto job = batcher.submit(inputs, ComputeOptions{4, std::nullopt}, far_deadline());
  const std::vector<float> out = batcher.wait(*job);
  EXPECT_EQ(out.size(), 200u);
  EXPECT_LE(backend.max_batch_tokens(), 40u);
  EXPECT_LE(backend.max_batch_inputs(), 6u);
  EXPECT_EQ(backend.n_embedded(), 50u);
}

TEST(DynamicBatcher, DifferentOptionsNeverShareABatch) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 8, .batch_delay = 5ms});
  BatcherOptions options;
  options.max_wait = 20ms;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions full{8, std::nullopt};
  const ComputeOptions half{4, std::nullopt};
  const ComputeOptions raw{8, false};
  const auto a = batcher.submit({seq(3, 2)}, full, far_deadline());
  const auto b = batcher.submit({seq(3, 2)}, half, far_deadline());
  const auto c = batcher.submit({seq(3, 2)}, raw, far_deadline());
  EXPECT_EQ(batcher.wait(*a), backend.reference(seq(3, 2), full));
  EXPECT_EQ(batcher.wait(*b), backend.reference(seq(3, 2), half));
  EXPECT_EQ(batcher.wait(*c), backend.reference(seq(3, 2), raw));
  EXPECT_EQ(backend.n_batches(), 3u);
}

TEST(DynamicBatcher, WithoutBatchingEachRequestRunsAlone) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 5ms});
  BatcherOptions options;
  options.batching = false;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  std::vector<std::shared_ptr<DynamicBatcher::Job>> jobs;
  for (int r = 0; r < 8; ++r) jobs.push_back(batcher.submit({seq(r + 3, 2), seq(r + 50, 3)}, compute, far_deadline()));
  for (auto& job : jobs) EXPECT_EQ(batcher.wait(*job).size(), 8u);
  EXPECT_EQ(backend.n_batches(), 8u);
  EXPECT_EQ(backend.max_batch_inputs(), 2u);
}

TEST(DynamicBatcher, AFullQueueRefusesInsteadOfGrowing) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 100ms});
  BatcherOptions options;
  options.max_queue_tokens = 20;
  options.max_batch_tokens = 10;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  std::vector<std::shared_ptr<DynamicBatcher::Job>> accepted;
  int refused = 0;
  for (int r = 0; r < 20; ++r) {
    try {
      accepted.push_back(batcher.submit({seq(r + 3, 5)}, compute, far_deadline()));
      EXPECT_LE(batcher.queued_tokens(), 20u);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kOverloaded);
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GE(accepted.size(), 4u);
  for (auto& job : accepted) EXPECT_EQ(batcher.wait(*job).size(), 4u);  // the admitted all finish
  EXPECT_GE(batcher.retry_after_seconds(), 1);
}

TEST(DynamicBatcher, ARequestLargerThanTheQueueIsAnInputError) {
  FakeEmbeddingBackend backend;
  BatcherOptions options;
  options.max_queue_tokens = 10;
  DynamicBatcher batcher(backend, options);
  EXPECT_EQ(kind_of([&] { batcher.submit({seq(3, 6), seq(3, 6)}, ComputeOptions{8, std::nullopt}, far_deadline()); }),
            ErrorKind::kInput);
}

TEST(DynamicBatcher, BackendFailureReachesOnlyItsBatch) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .failing_id = 999});
  BatcherOptions options;
  options.batching = false;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  const auto bad = batcher.submit({TokenIds{999}}, compute, far_deadline());
  const auto good = batcher.submit({TokenIds{5}}, compute, far_deadline());
  EXPECT_EQ(kind_of([&] { batcher.wait(*bad); }), ErrorKind::kInternal);
  EXPECT_EQ(batcher.wait(*good), backend.reference(TokenIds{5}, compute));
}

TEST(DynamicBatcher, ADeadlineThatPassesIsOverloadAndItsWorkIsDropped) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 150ms});
  BatcherOptions options;
  options.batching = false;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  const auto slow = batcher.submit({TokenIds{5}}, compute, far_deadline());
  const auto late = batcher.submit({TokenIds{6}, TokenIds{7}}, compute, DynamicBatcher::Clock::now() + 30ms);
  EXPECT_EQ(kind_of([&] { batcher.wait(*late); }), ErrorKind::kOverloaded);
  EXPECT_EQ(batcher.wait(*slow).size(), 4u);
  batcher.stop();
  EXPECT_EQ(backend.n_embedded(), 1u);  // the late request was never computed
}

TEST(DynamicBatcher, StopFinishesQueuedWorkThenRefuses) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4, .batch_delay = 10ms});
  BatcherOptions options;
  options.batching = false;
  DynamicBatcher batcher(backend, options);
  const ComputeOptions compute{4, std::nullopt};
  std::vector<std::shared_ptr<DynamicBatcher::Job>> jobs;
  for (int r = 0; r < 5; ++r) jobs.push_back(batcher.submit({TokenIds{r + 3}}, compute, far_deadline()));
  batcher.stop();
  for (auto& job : jobs) EXPECT_EQ(batcher.wait(*job).size(), 4u);
  EXPECT_EQ(kind_of([&] { batcher.submit({TokenIds{3}}, compute, far_deadline()); }), ErrorKind::kOverloaded);
}

TEST(DynamicBatcher, ObserverSeesBatchesAndQueueDepth) {
  FakeEmbeddingBackend backend(FakeBackendConfig{.dim = 4});
  std::atomic<std::size_t> batches{0}, tokens{0}, submits{0};
  BatcherObserver observer;
  observer.on_submit = [&](std::size_t, std::size_t) { ++submits; };
  observer.on_batch = [&](const BatchEvent& e) {
    ++batches;
    tokens += e.n_tokens;
    EXPECT_GE(e.n_requests, 1u);
  };
  {
    DynamicBatcher batcher(backend, BatcherOptions{}, observer);
    const auto job = batcher.submit({seq(3, 4), seq(9, 2)}, ComputeOptions{4, std::nullopt}, far_deadline());
    batcher.wait(*job);
  }
  EXPECT_EQ(submits.load(), 1u);
  EXPECT_GE(batches.load(), 1u);
  EXPECT_EQ(tokens.load(), 6u);
}

}  // namespace
}  // namespace molt::server
