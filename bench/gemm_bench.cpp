// The machine's matrix-product peak, so that the encoder's GFLOP/s read as a fraction of it:
// one large product c[M, N] = a[M, K] · w[N, K]ᵀ (the encoder's linear-layer shape) through
//  - OpenBLAS sgemm, on 1 thread and on its own threads (OPENBLAS threading, whole matrix);
//  - oneDNN f32, bf16 and u8·s8→s32 with the weights packed once (compute::cpu::OnednnMatrix,
//    what the AVX-512 kernel table multiplies with), rows split across molt's pool;
//  - compute::linear in each precision (the encoder's op: conversion or quantization of the
//    activations and the rescaling epilogue included).
// Args: threads, M, N, K. Rates are counted from 2·M·N·K per product. Wall time is the figure
// (UseRealTime); on a shared machine compare ratios within one run.
#include <benchmark/benchmark.h>

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <random>
#include <vector>

#include "bench/random_floats.h"
#include "molt/base/thread_pool.h"
#include "molt/compute/cpu/few_rows_product.h"
#include "molt/compute/cpu/onednn_matrix.h"
#include "molt/compute/kernels.h"
#include "molt/compute/ops.h"
#include "molt/compute/precision.h"
#include "molt/tensor/cpu_features.h"
#include "molt/tensor/workspace.h"

namespace {

using molt::compute::Precision;

using molt::bench::random_floats;

struct Shape {
  std::size_t threads, m, n, k;
  explicit Shape(const benchmark::State& s)
      : threads(static_cast<std::size_t>(s.range(0))),
        m(static_cast<std::size_t>(s.range(1))),
        n(static_cast<std::size_t>(s.range(2))),
        k(static_cast<std::size_t>(s.range(3))) {}
  double flops() const { return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k); }
};

void set_rate(benchmark::State& state, const Shape& s) {
  state.counters["GFLOP/s"] = benchmark::Counter(s.flops() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SgemmOpenBLAS(benchmark::State& state) {
  const Shape s(state);
  const auto a = random_floats(s.m * s.k, 1), w = random_floats(s.n * s.k, 2);
  std::vector<float> c(s.m * s.n);
  openblas_set_num_threads(static_cast<int>(s.threads));
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(s.m), static_cast<int>(s.n),
                static_cast<int>(s.k), 1.0f, a.data(), static_cast<int>(s.k), w.data(), static_cast<int>(s.k), 0.0f,
                c.data(), static_cast<int>(s.n));
    benchmark::DoNotOptimize(c.data());
  }
  openblas_set_num_threads(1);
  set_rate(state, s);
}

// A few rows (a short query's tokens) on one thread: OpenBLAS, which packs the weight on
// every call, against the kernel that reads it in place (what the OpenBLAS table uses for
// them on CPUs where OpenBLAS's rows are not batch-invariant anyway).
void BM_FewRowsOpenBLAS(benchmark::State& state) { BM_SgemmOpenBLAS(state); }
void BM_FewRowsDirect(benchmark::State& state) {
  const Shape s(state);
  if (!molt::tensor::cpu_features().avx2_fma()) {
    state.SkipWithError("needs AVX2 and FMA");
    return;
  }
  const auto a = random_floats(s.m * s.k, 1), w = random_floats(s.n * s.k, 2);
  std::vector<float> c(s.m * s.n);
  for (auto _ : state) {
    molt::compute::cpu::few_rows_product(s.m, s.n, s.k, a.data(), s.k, w.data(), s.k, c.data(), s.n);
    benchmark::DoNotOptimize(c.data());
  }
  set_rate(state, s);
}

// oneDNN with packed weights; each pool worker multiplies a contiguous half (third...) of
// the rows in one call: the library's best case.
void onednn_peak(benchmark::State& state, Precision p) {
  const Shape s(state);
  if (!molt::tensor::cpu_features().avx512_core()) {
    state.SkipWithError("needs AVX-512");
    return;
  }
  const auto w = random_floats(s.n * s.k, 2);
  const auto packed = molt::compute::cpu::OnednnMatrix::make(molt::compute::avx512_kernels(), w.data(), s.n, s.k, p);
  if (!packed) {
    state.SkipWithError("oneDNN has no fast kernel for this precision here");
    return;
  }
  const std::size_t in_bytes = p == Precision::kF32 ? 4 : p == Precision::kBF16 ? 2 : 1;
  std::vector<std::byte> a(s.m * s.k * in_bytes, std::byte{1});
  if (p == Precision::kF32) {
    const auto f = random_floats(s.m * s.k, 1);
    std::memcpy(a.data(), f.data(), a.size());
  }
  std::vector<float> c(s.m * s.n);  // f32 or int32
  molt::ThreadPool pool(static_cast<int>(s.threads));
  std::vector<molt::tensor::Workspace> scratch(s.threads);
  const std::size_t rows = (s.m + s.threads - 1) / s.threads;
  for (auto _ : state) {
    pool.parallel_for(s.threads, [&](std::size_t t, int worker) {
      const std::size_t r0 = t * rows, r1 = std::min(s.m, r0 + rows);
      if (r0 < r1) {
        packed->multiply(r1 - r0, a.data() + r0 * s.k * in_bytes, s.k, 0, s.n, c.data() + r0 * s.n, s.n,
                         scratch[static_cast<std::size_t>(worker)]);
      }
    });
    benchmark::DoNotOptimize(c.data());
  }
  state.SetLabel(packed->implementation());
  set_rate(state, s);
}

void BM_OnednnF32(benchmark::State& state) { onednn_peak(state, Precision::kF32); }
void BM_OnednnBF16(benchmark::State& state) { onednn_peak(state, Precision::kBF16); }
void BM_OnednnInt8(benchmark::State& state) { onednn_peak(state, Precision::kInt8); }

// The encoder's op: compute::linear with the default kernels, bias and no activation.
void linear_op(benchmark::State& state, Precision p) {
  const Shape s(state);
  const auto x = random_floats(s.m * s.k, 1), w_values = random_floats(s.n * s.k, 2), b_values = random_floats(s.n, 3);
  const auto w = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32(
      {static_cast<std::int64_t>(s.n), static_cast<std::int64_t>(s.k)}, w_values));
  const auto b = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32({static_cast<std::int64_t>(s.n)}, b_values));
  std::vector<float> y(s.m * s.n);
  molt::ThreadPool pool(static_cast<int>(s.threads));
  std::vector<molt::tensor::Workspace> scratch(s.threads);
  molt::compute::Context ctx;
  ctx.pool = &pool;
  ctx.precision = p;
  ctx.scratch = scratch;
  for (auto _ : state) {
    molt::compute::linear(ctx, {x.data(), s.m, s.k}, w, &b, {y.data(), s.m, s.n});
    benchmark::DoNotOptimize(y.data());
  }
  state.SetLabel(std::string(ctx.kernels->name));
  set_rate(state, s);
}

void BM_LinearF32(benchmark::State& state) { linear_op(state, Precision::kF32); }
void BM_LinearBF16(benchmark::State& state) { linear_op(state, Precision::kBF16); }
void BM_LinearInt8(benchmark::State& state) { linear_op(state, Precision::kInt8); }

// The MiniLM FFN shape at a full token budget, on one and on two threads; and the square
// shape of a wider model.
void shapes(benchmark::internal::Benchmark* b) {
  for (const std::int64_t threads : {1, 2}) {
    b->Args({threads, 4096, 1536, 384});
    b->Args({threads, 4096, 384, 1536});
    b->Args({threads, 4096, 768, 768});
  }
  b->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

// One thread, 1 to 64 rows, MiniLM's FFN shapes.
void few_rows_shapes(benchmark::internal::Benchmark* b) {
  for (const std::int64_t m : {1, 4, 8, 16, 32, 64}) {
    b->Args({1, m, 1536, 384});
    b->Args({1, m, 384, 1536});
  }
  b->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(0.2);
}

BENCHMARK(BM_SgemmOpenBLAS)->Apply(shapes);
BENCHMARK(BM_FewRowsOpenBLAS)->Apply(few_rows_shapes);
BENCHMARK(BM_FewRowsDirect)->Apply(few_rows_shapes);
BENCHMARK(BM_OnednnF32)->Apply(shapes);
BENCHMARK(BM_OnednnBF16)->Apply(shapes);
BENCHMARK(BM_OnednnInt8)->Apply(shapes);
BENCHMARK(BM_LinearF32)->Apply(shapes);
BENCHMARK(BM_LinearBF16)->Apply(shapes);
BENCHMARK(BM_LinearInt8)->Apply(shapes);

}  // namespace

BENCHMARK_MAIN();
