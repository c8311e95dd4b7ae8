// Benchmark: the encoder's throughput and latency as `molt bench` reports them — tokens and
// documents per second over a whole input after one warm-up batch, and model FLOP/s counted
// from the architecture and the real token counts (padding excluded: there is none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "molt/runtime/encoder.h"

namespace molt::runtime {

struct BenchmarkOptions {
  std::size_t batch_size = 32;
  // After the throughput run: embed this many inputs one call each (the first inputs,
  // cycling), for the latency of a single request. 0: none.
  std::size_t latency_runs = 0;
};

struct BenchmarkResult {
  std::size_t docs = 0;
  std::size_t tokens = 0;         // real tokens embedded, special tokens included
  std::size_t warmup_docs = 0;    // embedded once before the timed run, not counted
  double seconds = 0.0;           // wall time of the timed run
  double cpu_seconds = 0.0;       // CPU time of the whole process during it (every thread)
  double flops = 0.0;             // model floating-point operations of the timed run
  std::vector<double> latencies_ms;  // one per latency run, in run order
  std::size_t latency_tokens = 0;    // tokens of the latency runs, in all

  double docs_per_s() const { return seconds > 0 ? static_cast<double>(docs) / seconds : 0.0; }
  double tokens_per_s() const { return seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0; }
  double gflops() const { return seconds > 0 ? flops / seconds / 1e9 : 0.0; }
  // The q-quantile (0..1) of latencies_ms, by nearest rank; 0 when there are none.
  double latency_quantile_ms(double q) const;
};

// Embeds `texts` (each through the model's own text preparation; tokenization is timed) or,
// when `texts` is empty, the pre-tokenized `ids` (embed_tokens), in batches of
// options.batch_size: first one warm-up batch (the first batch_size inputs), then the whole
// input, timed. Throws what embed / embed_tokens throw, usage_error for an empty input.
BenchmarkResult benchmark(const Encoder& encoder, std::span<const std::string> texts,
                          std::span<const std::vector<std::int32_t>> ids, const BenchmarkOptions& options);

}  // namespace molt::runtime
