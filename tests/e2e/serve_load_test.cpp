// molt serve under load from a second process (molt_loadgen), on loopback, bounded in time.
// The server is sized to admit 64 concurrent requests of the longest text molt_loadgen
// sends (--max-queue-tokens); 64 clients must see no error at all; 256 clients (four times
// the capacity) may only be refused with 429, the server's memory must not grow with the
// refused load, and the p99 latency of the accepted requests is reported.
//
// The sizing is by tokens, so it must hold for every text, whatever its length and however
// fast the machine computes: a queue of 64 of the longest texts never refuses 64 clients, and
// with batches capped far below the offered load, 256 clients leave more than the queue's
// worth waiting even when every text is of the shortest kind. The model is the full-size
// MiniLM one so that computing, not HTTP handling, is what the overload waits for: with a
// tiny model two cores spend most of their time in the connection threads, and requests
// would wait there instead of in the queue whose bound is under test. Throughput (batching on against off) is measured by
// bench/serve_load.sh, not asserted here: speed is a benchmark, never a test.
#include <iostream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

constexpr int kCapacity = 64;  // requests the server admits at once
// molt_loadgen's texts are "item <serial>" and kLoadgenWords words of its vocabulary. With the
// model's WordPiece vocabulary (bert-base-uncased's) a word is one to three tokens and a
// serial below 200000 at most four, so a text is 2 + 1 + [1, 4] + kLoadgenWords * [1, 3] tokens.
constexpr int kLoadgenWords = 8;
constexpr int kMinTokensPerRequest = 2 + 1 + 1 + kLoadgenWords;      // 12
constexpr int kMaxTokensPerRequest = 2 + 1 + 4 + 3 * kLoadgenWords;  // 31
constexpr int kQueueTokens = kCapacity * kMaxTokensPerRequest;
// Batches are capped at a small share of the overload so that most of the 256 requests wait
// in the queue rather than compute (the default cap would take them all into one batch).
constexpr int kBatchTokens = 4 * kMaxTokensPerRequest;
static_assert(4 * kCapacity * kMinTokensPerRequest > kQueueTokens + 2 * kBatchTokens,
              "at four times the capacity the shortest texts must still overflow the queue");

json run_loadgen(int port, int clients, double seconds) {
  const std::filesystem::path loadgen = molt_binary().parent_path() / "bench" / "molt_loadgen";
  ProcessOptions options;
  options.timeout = std::chrono::seconds(static_cast<int>(seconds) + 120);
  const ProcessResult r = run_process({loadgen.string(), "--port", std::to_string(port), "--clients",
                                       std::to_string(clients), "--duration", std::to_string(seconds),
                                       "--max-requests", "200000", "--min-words", std::to_string(kLoadgenWords), "--max-words",
                                       std::to_string(kLoadgenWords),
                                       "--retry-wait-ms", "20"},
                                      options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

TEST(ServeLoad, NoErrorsBelowCapacityOnly429sAtFourTimesIt) {
  MOLT_REQUIRE_GENERATED("all-MiniLM-L6-v2");
  TempDir dir;
  ServeProcess server({"--model", (generated_models_dir() / "all-MiniLM-L6-v2").string(), "--max-queue-tokens",
                       std::to_string(kQueueTokens), "--max-batch-tokens", std::to_string(kBatchTokens),
                       "--http-threads", "512", "--cache-mb", "0"},
                      dir.path());

  const json below = run_loadgen(server.port(), kCapacity, 4.0);
  std::cout << "64 clients: " << below.dump() << "\n";
  EXPECT_GT(below["ok"].get<long>(), 0);
  EXPECT_EQ(below["ok"], below["requests"]) << "every request below capacity must succeed";
  EXPECT_TRUE(below["transport_errors"].empty());

  const json over = run_loadgen(server.port(), 4 * kCapacity, 4.0);
  std::cout << "256 clients: " << over.dump() << "\n";
  EXPECT_GT(over["ok"].get<long>(), 0);
  EXPECT_GT(over["refused_429"].get<long>(), 0) << "four times the capacity must be refused in part";
  EXPECT_EQ(over["other_failures"], 0) << "the only refusals allowed are 429s";
  EXPECT_TRUE(over["transport_errors"].empty());
  // Bounded memory: the refused load does not grow the server (a queue that grew with the
  // offered load would show here).
  const double rss_below = below["server_peak_rss_sampled_bytes"].get<double>();
  const double rss_over = over["server_peak_rss_sampled_bytes"].get<double>();
  EXPECT_GT(rss_below, 0);
  EXPECT_LT(rss_over, rss_below * 1.5 + 64.0 * (1 << 20)) << rss_below << " -> " << rss_over;
  RecordProperty("p99_ms_below_capacity", std::to_string(below["latency_ms"]["p99"].get<double>()));
  RecordProperty("p99_ms_at_4x_overload", std::to_string(over["latency_ms"]["p99"].get<double>()));

  const ProcessResult stopped = server.terminate();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

}  // namespace
}  // namespace molt::test
