#include "molt/runtime/benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "molt/base/error.h"

namespace molt::runtime {
namespace {

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

double BenchmarkResult::latency_quantile_ms(double q) const {
  if (latencies_ms.empty()) return 0.0;
  std::vector<double> sorted = latencies_ms;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

BenchmarkResult benchmark(const Encoder& encoder, std::span<const std::string> texts,
                          std::span<const std::vector<std::int32_t>> ids, const BenchmarkOptions& options) {
  const bool from_text = !texts.empty();
  const std::size_t n = from_text ? texts.size() : ids.size();
  if (n == 0) throw usage_error("nothing to benchmark: the input holds no texts");
  EmbedOptions eo;
  eo.batch_size = std::max<std::size_t>(options.batch_size, 1);
  const auto embed = [&](std::size_t begin, std::size_t end) {
    return from_text ? encoder.embed(texts.subspan(begin, end - begin), eo)
                     : encoder.embed_tokens(ids.subspan(begin, end - begin), eo);
  };
  BenchmarkResult r;
  r.warmup_docs = std::min(n, eo.batch_size);
  (void)embed(0, r.warmup_docs);

  const double cpu0 = process_cpu_seconds(), wall0 = wall_seconds();
  const Embeddings out = embed(0, n);
  r.seconds = wall_seconds() - wall0;
  r.cpu_seconds = process_cpu_seconds() - cpu0;
  r.docs = n;
  for (const std::uint32_t t : out.n_tokens) r.tokens += t;
  r.flops = encoder.flops(out.n_tokens);

  for (std::size_t i = 0; i < options.latency_runs; ++i) {
    const std::size_t item = i % n;
    const double t0 = wall_seconds();
    const Embeddings one = embed(item, item + 1);
    r.latencies_ms.push_back((wall_seconds() - t0) * 1e3);
    r.latency_tokens += one.n_tokens[0];
  }
  return r;
}

}  // namespace molt::runtime
