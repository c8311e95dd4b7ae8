// f16 and bf16 ↔ f32 conversions (molt/tensor/half.h, convert.h) on hand-computed cases.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "molt/tensor/convert.h"
#include "molt/tensor/half.h"

namespace {

using molt::tensor::bf16_to_f32;
using molt::tensor::f16_to_f32;
using molt::tensor::f32_to_bf16;
using molt::tensor::f32_to_f16;

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }
float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }

TEST(Half, KnownValuesToF32) {
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(f16_to_f32(0x3555), 0.333251953125f);
  EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);                 // largest finite
  EXPECT_EQ(f16_to_f32(0x0400), std::ldexp(1.0f, -14));    // smallest normal
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));    // smallest subnormal
  EXPECT_EQ(f16_to_f32(0x03ff), std::ldexp(1023.0f, -24)); // largest subnormal
  EXPECT_EQ(f16_to_f32(0x8009), -std::ldexp(9.0f, -24));
  EXPECT_EQ(bits(f16_to_f32(0x0000)), 0u);
  EXPECT_EQ(bits(f16_to_f32(0x8000)), 0x80000000u);         // -0 keeps its sign
  EXPECT_EQ(f16_to_f32(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(f16_to_f32(0xfc00), -std::numeric_limits<float>::infinity());
  // NaNs keep sign and payload and become quiet.
  EXPECT_EQ(bits(f16_to_f32(0x7e00)), 0x7fc00000u);
  EXPECT_EQ(bits(f16_to_f32(0x7c01)), 0x7fc02000u);
  EXPECT_EQ(bits(f16_to_f32(0xfd55)), 0xffeaa000u);
}

TEST(Half, EverySubnormalIsExact) {
  for (std::uint32_t m = 1; m < 1024; ++m) {
    EXPECT_EQ(f16_to_f32(static_cast<std::uint16_t>(m)), std::ldexp(static_cast<float>(m), -24));
    EXPECT_EQ(f16_to_f32(static_cast<std::uint16_t>(0x8000 | m)),
              -std::ldexp(static_cast<float>(m), -24));
  }
}

TEST(Half, KnownValuesFromF32RoundToNearestEven) {
  EXPECT_EQ(f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(f32_to_f16(-2.0f), 0xc000);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(65519.99f), 0x7bff);   // below the midpoint to 65536
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);    // the tie rounds to even: infinity
  EXPECT_EQ(f32_to_f16(1e10f), 0x7c00);
  EXPECT_EQ(f32_to_f16(-1e10f), 0xfc00);
  // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa.
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(f32_to_f16(from_bits(bits(1.0f + std::ldexp(1.0f, -11)) + 1)), 0x3c01);
  // Subnormal results and underflow.
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);             // tie to even (0)
  EXPECT_EQ(f32_to_f16(std::ldexp(3.0f, -25)), 0x0002);             // 1.5 ulp: tie to even (2)
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25) * 1.0001f), 0x0001);
  EXPECT_EQ(f32_to_f16(std::ldexp(1023.5f, -24)), 0x0400);          // rounds up into normals
  EXPECT_EQ(f32_to_f16(-std::ldexp(5.0f, -24)), 0x8005);
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::denorm_min()), 0x0000);
  EXPECT_EQ(f32_to_f16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_EQ(f32_to_f16(from_bits(0x7fc00000u)), 0x7e00);
  EXPECT_EQ(f32_to_f16(from_bits(0xff802000u)), 0xfe01);  // signalling NaN: quiet, payload kept
}

TEST(Half, EveryF16RoundTripsThroughF32) {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto x = static_cast<std::uint16_t>(h);
    const bool nan = (x & 0x7c00) == 0x7c00 && (x & 0x3ff) != 0;
    if (nan) {
      EXPECT_TRUE(std::isnan(f16_to_f32(x)));
      EXPECT_EQ(f32_to_f16(f16_to_f32(x)), x | 0x200);  // comes back quiet
    } else {
      EXPECT_EQ(f32_to_f16(f16_to_f32(x)), x) << std::hex << h;
    }
  }
}

TEST(Half, MidpointsBetweenNeighboursGoToTheEvenOne) {
  // For each pair of adjacent positive finite halves, the float halfway between them rounds
  // to the one with the even mantissa, and anything off the midpoint to the nearer one.
  for (std::uint32_t h = 0; h < 0x7bff; ++h) {
    const double lo = f16_to_f32(static_cast<std::uint16_t>(h));
    const double hi = f16_to_f32(static_cast<std::uint16_t>(h + 1));
    const auto mid = static_cast<float>((lo + hi) / 2);  // exact in float
    ASSERT_EQ(static_cast<double>(mid), (lo + hi) / 2);
    const std::uint32_t even = (h % 2 == 0) ? h : h + 1;
    EXPECT_EQ(f32_to_f16(mid), even) << std::hex << h;
    EXPECT_EQ(f32_to_f16(std::nextafter(mid, 0.0f)), h) << std::hex << h;
    EXPECT_EQ(f32_to_f16(std::nextafter(mid, 1e6f)), h + 1) << std::hex << h;
  }
}

TEST(BFloat16, Conversions) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xc040), -3.0f);
  EXPECT_EQ(bf16_to_f32(0x0001), std::ldexp(1.0f, -133));  // subnormal, exact
  EXPECT_EQ(bf16_to_f32(0x7f80), std::numeric_limits<float>::infinity());
  EXPECT_EQ(bits(bf16_to_f32(0x7fc1)), 0x7fc10000u);
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f808000u)), 0x3f80);  // tie, even stays
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f818000u)), 0x3f82);  // tie, odd rounds up
  EXPECT_EQ(f32_to_bf16(from_bits(0x3f808001u)), 0x3f81);
  EXPECT_EQ(f32_to_bf16(from_bits(0x7f7fffffu)), 0x7f80);  // largest float overflows
  EXPECT_EQ(f32_to_bf16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_bf16(from_bits(0x7fc00000u)), 0x7fc0);
  EXPECT_EQ(f32_to_bf16(from_bits(0x7f800001u)), 0x7fc0);  // signalling NaN stays NaN
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto x = static_cast<std::uint16_t>(h);
    if ((x & 0x7f80) == 0x7f80 && (x & 0x7f) != 0) continue;
    EXPECT_EQ(f32_to_bf16(bf16_to_f32(x)), x);
  }
}

TEST(Convert, BulkMatchesScalarOnUnalignedBytes) {
  std::vector<std::uint16_t> halves;
  for (std::uint32_t h = 0; h < 0x10000; h += 7) halves.push_back(static_cast<std::uint16_t>(h));
  // One byte of offset makes every element misaligned, as a memory map may give it.
  std::vector<std::byte> storage(halves.size() * 2 + 1);
  std::memcpy(storage.data() + 1, halves.data(), halves.size() * 2);
  std::vector<float> out(halves.size());
  molt::tensor::f16_to_f32(std::span(storage).subspan(1), out);
  for (std::size_t i = 0; i < halves.size(); ++i) {
    EXPECT_EQ(bits(out[i]), bits(f16_to_f32(halves[i])));
  }
  std::vector<float> bf(halves.size());
  molt::tensor::bf16_to_f32(std::span(storage).subspan(1), bf);
  for (std::size_t i = 0; i < halves.size(); ++i) {
    EXPECT_EQ(bits(bf[i]), static_cast<std::uint32_t>(halves[i]) << 16);
  }
  std::vector<std::uint16_t> back(out.size());
  molt::tensor::f32_to_f16(out, back);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(back[i], f32_to_f16(out[i]));
  molt::tensor::f32_to_bf16(out, back);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(back[i], f32_to_bf16(out[i]));
}

}  // namespace
