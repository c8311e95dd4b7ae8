// Speed of the runtime: loading the all-MiniLM-L6-v2-sized model (map, shape checks,
// identity hash), and encoding packed batches of token ids through it (tokens/s and model
// GFLOP/s counted from the architecture, padding-free). The model is the one
// scripts/make_test_models.sh writes (MOLT_TEST_GENERATED, default build/test-models).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <vector>

#include "molt/runtime/encoder.h"

namespace {

std::filesystem::path minilm_dir() {
  const char* env = std::getenv("MOLT_TEST_GENERATED");
  const std::filesystem::path base = env != nullptr && *env != '\0'
                                         ? std::filesystem::path(env)
                                         : std::filesystem::path(MOLT_SOURCE_DIR) / "build" / "test-models";
  return base / "all-MiniLM-L6-v2";
}

// `n` sequences of `len` tokens: [CLS] random word pieces [SEP].
std::vector<std::vector<std::int32_t>> random_ids(std::size_t n, std::size_t len) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::int32_t> id(1000, 30000);
  std::vector<std::vector<std::int32_t>> out(n);
  for (auto& seq : out) {
    seq.push_back(101);
    for (std::size_t t = 2; t < len; ++t) seq.push_back(id(rng));
    seq.push_back(102);
  }
  return out;
}

void BM_LoadMiniLM(benchmark::State& state) {
  if (!std::filesystem::exists(minilm_dir())) {
    state.SkipWithError("run scripts/make_test_models.sh first");
    return;
  }
  for (auto _ : state) {
    const auto encoder = molt::runtime::Encoder::load(minilm_dir());
    benchmark::DoNotOptimize(encoder.dim());
  }
}
BENCHMARK(BM_LoadMiniLM)->Unit(benchmark::kMillisecond);

// Args: threads, tokens per sequence. 32 sequences per call.
void BM_EncodeMiniLM(benchmark::State& state) {
  if (!std::filesystem::exists(minilm_dir())) {
    state.SkipWithError("run scripts/make_test_models.sh first");
    return;
  }
  molt::runtime::EncoderOptions options;
  options.n_threads = static_cast<int>(state.range(0));
  const auto encoder = molt::runtime::Encoder::load(minilm_dir(), options);
  const auto ids = random_ids(32, static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    const auto out = encoder.embed_tokens(ids);
    benchmark::DoNotOptimize(out.values.data());
  }
  const double tokens = 32.0 * static_cast<double>(state.range(1));
  const std::vector<std::uint32_t> lengths(32, static_cast<std::uint32_t>(state.range(1)));
  state.counters["tokens/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(encoder.flops(lengths) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
// CPU time is the whole process's (every thread), so rates are per CPU-second: comparable across
// thread counts on a shared machine, where wall time depends on the neighbours.
BENCHMARK(BM_EncodeMiniLM)
    ->Args({1, 16})
    ->Args({1, 128})
    ->Args({2, 128})
    ->Args({2, 256})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
