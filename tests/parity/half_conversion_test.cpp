// Every SIMD variant of the f16 conversions against the scalar oracle (molt/tensor/half.h),
// bit for bit: all 65,536 halves one way, and every half's neighbourhood plus a sweep of
// float32 bit patterns the other way.
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "molt/tensor/convert_kernels.h"
#include "molt/tensor/cpu_features.h"
#include "molt/tensor/half.h"

namespace {

namespace kernels = molt::tensor::kernels;

void require_f16c() {
  if (!molt::tensor::cpu_features().f16c) GTEST_SKIP() << "this CPU has no F16C";
}

TEST(HalfParity, F16ToF32AllValues) {
  require_f16c();
  std::vector<std::uint16_t> halves(0x10000);
  for (std::uint32_t h = 0; h < 0x10000; ++h) halves[h] = static_cast<std::uint16_t>(h);
  // Odd lengths and a misaligned start exercise the tails.
  for (const std::size_t skip : {0, 1, 3}) {
    const std::size_t n = halves.size() - skip;
    std::vector<std::byte> bytes(2 * n + 1);
    std::memcpy(bytes.data() + 1, halves.data() + skip, 2 * n);
    std::vector<float> simd(n);
    std::vector<float> scalar(n);
    kernels::f16_to_f32_f16c(bytes.data() + 1, simd.data(), n);
    kernels::f16_to_f32_scalar(bytes.data() + 1, scalar.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(std::bit_cast<std::uint32_t>(simd[i]), std::bit_cast<std::uint32_t>(scalar[i]))
          << "half 0x" << std::hex << halves[i + skip];
    }
  }
}

TEST(HalfParity, F32ToF16NeighbourhoodsAndSweep) {
  require_f16c();
  std::vector<float> inputs;
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const float f = molt::tensor::f16_to_f32(static_cast<std::uint16_t>(h));
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    // The half itself, its float neighbours, and the points halfway to the next half.
    for (const std::uint32_t d : {0u, 1u, 0xfffu, 0x1000u, 0x1001u}) {
      inputs.push_back(std::bit_cast<float>(b + d));
      inputs.push_back(std::bit_cast<float>(b - d));
    }
  }
  for (std::uint64_t b = 0; b < (1ull << 32); b += 4099) {
    inputs.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(b)));
  }
  std::vector<std::uint16_t> simd(inputs.size());
  std::vector<std::uint16_t> scalar(inputs.size());
  kernels::f32_to_f16_f16c(inputs.data(), simd.data(), inputs.size());
  kernels::f32_to_f16_scalar(inputs.data(), scalar.data(), inputs.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (simd[i] != scalar[i] && ++mismatches < 10) {
      ADD_FAILURE() << "float bits 0x" << std::hex << std::bit_cast<std::uint32_t>(inputs[i])
                    << ": F16C 0x" << simd[i] << ", scalar 0x" << scalar[i];
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << inputs.size() << " inputs";
}

}  // namespace
