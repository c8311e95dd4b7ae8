// The encoder's ops one by one, at MiniLM's shapes (hidden 384, 12 heads of 32, FFN 1536),
// on one thread, with the default kernels: self-attention over 16 sequences of `len` tokens
// (f32 and bf16), layer norm with residual, GELU with bias. Rates: model FLOPs for attention
// (4 · len² · hidden per sequence), elements per second for the rest.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "bench/random_floats.h"
#include "molt/compute/kernels.h"
#include "molt/compute/ops.h"
#include "molt/tensor/workspace.h"

namespace {

using molt::compute::Precision;

constexpr std::size_t kHidden = 384, kHeads = 12, kSeqs = 16;

using molt::bench::random_floats;

void attention(benchmark::State& state, Precision p) {
  const auto len = static_cast<std::size_t>(state.range(0));
  const std::size_t n = len * kSeqs;
  const auto qkv = random_floats(n * 3 * kHidden, 1);
  std::vector<float> out(n * kHidden);
  std::vector<std::uint32_t> offsets;
  for (std::size_t s = 0; s <= kSeqs; ++s) offsets.push_back(static_cast<std::uint32_t>(s * len));
  std::vector<molt::tensor::Workspace> scratch(1);
  molt::tensor::Workspace ws;
  molt::compute::Context ctx;
  ctx.precision = p;
  ctx.scratch = scratch;
  molt::compute::AttentionArgs args;
  args.q = {qkv.data(), n, kHidden, 3 * kHidden};
  args.k = {qkv.data() + kHidden, n, kHidden, 3 * kHidden};
  args.v = {qkv.data() + 2 * kHidden, n, kHidden, 3 * kHidden};
  args.out = {out.data(), n, kHidden};
  args.offsets = offsets;
  args.n_heads = kHeads;
  args.head_dim = kHidden / kHeads;
  args.scale = 1.0f / std::sqrt(static_cast<float>(args.head_dim));
  for (auto _ : state) {
    molt::compute::attention(ctx, args, ws);
    benchmark::DoNotOptimize(out.data());
  }
  const double flops = 4.0 * static_cast<double>(len * len * kHidden * kSeqs);
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(ctx.kernels->name));
}

void BM_AttentionF32(benchmark::State& state) { attention(state, Precision::kF32); }
void BM_AttentionBF16(benchmark::State& state) { attention(state, Precision::kBF16); }
BENCHMARK(BM_AttentionF32)->Arg(32)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AttentionBF16)->Arg(32)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

void BM_AddLayerNorm(benchmark::State& state) {
  const std::size_t rows = 4096;
  auto x = random_floats(rows * kHidden, 1);
  const auto r = random_floats(rows * kHidden, 2), g = random_floats(kHidden, 3), b = random_floats(kHidden, 4);
  const molt::compute::Kernels& k = molt::compute::default_kernels();
  for (auto _ : state) {
    k.add_layer_norm(x.data(), kHidden, r.data(), kHidden, rows, kHidden, g.data(), b.data(), 1e-12f);
    benchmark::DoNotOptimize(x.data());
  }
  state.counters["elements/s"] =
      benchmark::Counter(static_cast<double>(rows * kHidden), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AddLayerNorm)->Unit(benchmark::kMicrosecond);

void BM_BiasGelu(benchmark::State& state) {
  const std::size_t rows = 1024, cols = 1536;
  auto x = random_floats(rows * cols, 1);
  const auto b = random_floats(cols, 2);
  const molt::compute::Kernels& k = molt::compute::default_kernels();
  for (auto _ : state) {
    k.bias_activation(molt::compute::Activation::kGeluErf, x.data(), cols, rows, cols, b.data());
    benchmark::DoNotOptimize(x.data());
    for (std::size_t i = 0; i < cols; ++i) x[i] = b[i];  // keep the values in range
  }
  state.counters["elements/s"] =
      benchmark::Counter(static_cast<double>(rows * cols), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BiasGelu)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
