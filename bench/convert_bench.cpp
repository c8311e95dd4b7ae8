// Throughput of the element conversions in molt/tensor/: the scalar oracle against the F16C
// variant for f16 ↔ f32, bf16 widening, and GGML dequantization, on 4 Mi values (about
// what one 2048 × 2048 weight matrix holds). Bytes counted are bytes read.
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "molt/tensor/convert.h"
#include "molt/tensor/convert_kernels.h"
#include "molt/tensor/cpu_features.h"
#include "molt/tensor/dtype.h"

namespace {

using molt::tensor::DType;

constexpr std::size_t kValues = 4 << 20;

std::vector<std::byte> random_bytes(std::size_t n) {
  std::mt19937 rng(42);
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0x3b);  // keep f16 exponents finite
  return out;
}

void F16ToF32Scalar(benchmark::State& state) {
  const auto src = random_bytes(2 * kValues);
  std::vector<float> dst(kValues);
  for (auto _ : state) {
    molt::tensor::kernels::f16_to_f32_scalar(src.data(), dst.data(), kValues);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * src.size()));
}

void F16ToF32F16c(benchmark::State& state) {
  if (!molt::tensor::cpu_features().f16c) {
    state.SkipWithError("no F16C");
    return;
  }
  const auto src = random_bytes(2 * kValues);
  std::vector<float> dst(kValues);
  for (auto _ : state) {
    molt::tensor::kernels::f16_to_f32_f16c(src.data(), dst.data(), kValues);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * src.size()));
}

std::vector<float> random_floats() {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 0.05f);
  std::vector<float> out(kValues);
  for (auto& v : out) v = dist(rng);
  return out;
}

void F32ToF16Scalar(benchmark::State& state) {
  const auto src = random_floats();
  std::vector<std::uint16_t> dst(kValues);
  for (auto _ : state) {
    molt::tensor::kernels::f32_to_f16_scalar(src.data(), dst.data(), kValues);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4));
}

void F32ToF16F16c(benchmark::State& state) {
  if (!molt::tensor::cpu_features().f16c) {
    state.SkipWithError("no F16C");
    return;
  }
  const auto src = random_floats();
  std::vector<std::uint16_t> dst(kValues);
  for (auto _ : state) {
    molt::tensor::kernels::f32_to_f16_f16c(src.data(), dst.data(), kValues);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4));
}

// Any dtype through convert_to_f32 (the dispatcher the Tensor uses).
void ToF32(benchmark::State& state, DType dtype) {
  const auto& info = molt::tensor::dtype_info(dtype);
  const auto src = random_bytes(kValues / static_cast<std::size_t>(info.block_size) *
                                static_cast<std::size_t>(info.block_bytes));
  std::vector<float> dst(kValues);
  for (auto _ : state) {
    molt::tensor::convert_to_f32(dtype, src, dst);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * src.size()));
}

BENCHMARK(F16ToF32Scalar);
BENCHMARK(F16ToF32F16c);
BENCHMARK(F32ToF16Scalar);
BENCHMARK(F32ToF16F16c);
BENCHMARK_CAPTURE(ToF32, F16, DType::kF16);
BENCHMARK_CAPTURE(ToF32, BF16, DType::kBF16);
BENCHMARK_CAPTURE(ToF32, Q8_0, DType::kQ8_0);
BENCHMARK_CAPTURE(ToF32, Q4_0, DType::kQ4_0);
BENCHMARK_CAPTURE(ToF32, Q4_K, DType::kQ4_K);
BENCHMARK_CAPTURE(ToF32, Q5_K, DType::kQ5_K);
BENCHMARK_CAPTURE(ToF32, Q6_K, DType::kQ6_K);

}  // namespace

BENCHMARK_MAIN();
