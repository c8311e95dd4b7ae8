// Invariance: a text's vector does not depend on how it is batched or threaded — batch size
// 1 vs 64, 1 vs 2 threads, a small vs a large token budget — within 1e-6 per value, relative
// to the value where it is larger than 1. Where the BLAS rounds a row by its place in a block
// of rows (OpenBLAS's Haswell kernels, which AVX2 CPUs get), the last bits of each product
// move with the batch and the layers carry that along: there the bound is 4e-6, still well
// inside the 1e-5 of the golden tests. Inputs: every fixture's reference ids, plus random id
// sequences up to max_seq_length long (long sequences are where packing, attention blocking
// and thread splits differ most).
#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "molt/compute/kernels.h"
#include "molt/runtime/encoder.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/test_env.h"

namespace {

using molt::runtime::EmbedOptions;
using molt::runtime::Embeddings;
using molt::runtime::Encoder;
using molt::runtime::EncoderOptions;

// gemm_nt_uniform_rows is 0 where no padding makes a row's product independent of its batch.
const double kBound = molt::compute::default_kernels().gemm_nt_uniform_rows(384, 384) == 0 ? 4e-6 : 1e-6;

double max_scaled_diff(const Embeddings& a, const Embeddings& b) {
  EXPECT_EQ(a.values.size(), b.values.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < std::min(a.values.size(), b.values.size()); ++i) {
    const double x = a.values[i], y = b.values[i];
    worst = std::max(worst, std::fabs(x - y) / std::max({1.0, std::fabs(x), std::fabs(y)}));
  }
  return worst;
}

// The fixture's ids and `n_random` random sequences of [CLS] ids [SEP] of lengths up to the
// model's limit.
std::vector<std::vector<std::int32_t>> inputs(const molt::test::FixtureModel& m, const Encoder& encoder,
                                              std::size_t n_random) {
  std::vector<std::vector<std::int32_t>> out;
  for (const auto& file : molt::test::read_expected_files(m)) {
    for (const auto& line : file.lines) out.push_back(line.ids);
  }
  std::mt19937 rng(1234);
  const auto& info = encoder.info();
  std::uniform_int_distribution<std::int32_t> id(1000, static_cast<std::int32_t>(info.vocab_size) - 1);
  std::uniform_int_distribution<std::size_t> len(0, info.max_seq_length - 2);
  for (std::size_t i = 0; i < n_random; ++i) {
    std::vector<std::int32_t> seq{101};
    const std::size_t n = i == 0 ? info.max_seq_length - 2 : len(rng);
    for (std::size_t t = 0; t < n; ++t) seq.push_back(id(rng));
    seq.push_back(102);
    out.push_back(std::move(seq));
  }
  return out;
}

void check_model(const molt::test::FixtureModel& m, std::size_t n_random) {
  EncoderOptions one_thread;
  one_thread.n_threads = 1;
  EncoderOptions two_threads;
  two_threads.n_threads = 2;
  EncoderOptions small_budget = two_threads;
  small_budget.max_batch_tokens = 300;
  const Encoder enc1 = Encoder::load(m.model_dir, one_thread);
  const Encoder enc2 = Encoder::load(m.model_dir, two_threads);
  const Encoder enc_small = Encoder::load(m.model_dir, small_budget);
  const auto ids = inputs(m, enc1, n_random);

  EmbedOptions batch1;
  batch1.batch_size = 1;
  EmbedOptions batch64;
  batch64.batch_size = 64;
  const Embeddings a = enc1.embed_tokens(ids, batch1);
  const Embeddings b = enc1.embed_tokens(ids, batch64);
  const Embeddings c = enc2.embed_tokens(ids, batch64);
  const Embeddings d = enc2.embed_tokens(ids, batch1);
  const Embeddings e = enc_small.embed_tokens(ids, batch64);
  EXPECT_LE(max_scaled_diff(a, b), kBound) << "batch 1 vs 64, one thread";
  EXPECT_LE(max_scaled_diff(b, c), kBound) << "1 vs 2 threads, batch 64";
  EXPECT_LE(max_scaled_diff(a, d), kBound) << "1 vs 2 threads, batch 1";
  EXPECT_LE(max_scaled_diff(c, e), kBound) << "token budget 4096 vs 300";
  std::printf("  %s: %zu inputs; batch 1 vs 64 %.3g, threads 1 vs 2 %.3g\n", m.name.c_str(), ids.size(),
              max_scaled_diff(a, b), max_scaled_diff(b, c));
}

TEST(EncoderInvariance, TinyModels) {
  for (const auto& m : molt::test::embedding_fixture_models()) {
    if (m.generated) continue;
    MOLT_REQUIRE_FIXTURE(m.name);
    SCOPED_TRACE(m.name);
    check_model(m, 40);
  }
}

TEST(EncoderInvariance, FullSizeMiniLM) {
  MOLT_REQUIRE_FIXTURE("full-size/all-MiniLM-L6-v2");
  MOLT_REQUIRE_GENERATED("all-MiniLM-L6-v2");
  for (const auto& m : molt::test::embedding_fixture_models()) {
    if (m.name == "full-size/all-MiniLM-L6-v2") check_model(m, 12);
  }
}

TEST(EncoderInvariance, ConcurrentCallsAgreeWithSequentialOnes) {
  MOLT_REQUIRE_FIXTURE("tiny-bert");
  const auto models = molt::test::embedding_fixture_models();
  const auto& m = models.front();
  EncoderOptions options;
  options.n_threads = 2;
  const Encoder encoder = Encoder::load(m.model_dir, options);
  const auto ids = inputs(m, encoder, 30);
  const Embeddings want = encoder.embed_tokens(ids);
  std::vector<Embeddings> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      EmbedOptions eo;
      eo.batch_size = 1 + 7 * t;
      got[t] = encoder.embed_tokens(ids, eo);
    });
  }
  for (auto& th : threads) th.join();
  for (const Embeddings& g : got) EXPECT_LE(max_scaled_diff(g, want), kBound);
}

}  // namespace
