// One-value conversions between float32 and the 16-bit float formats (IEEE binary16 "f16"
// and bfloat16). These scalar definitions are the oracle every bulk or SIMD conversion is
// tested against (convert.h); they are written without branches so loops over them vectorize.
#pragma once

#include <bit>
#include <cstdint>

namespace molt::tensor {

// Exact: every f16 value, subnormals included, is a float32. Infinities stay infinite; a NaN
// stays NaN with its sign and payload, and gets the quiet bit, as x86's F16C instructions do.
inline float f16_to_f32(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  // Normal numbers: widen the mantissa and re-bias the exponent from 15 to 127.
  const std::uint32_t normal = (static_cast<std::uint32_t>(h & 0x7fffu) << 13) + (112u << 23);
  const std::uint32_t special =
      0x7f800000u | (mantissa << 13) | (static_cast<std::uint32_t>(mantissa != 0) << 22);
  // Zero and subnormals are mantissa * 2^-24, which float32 holds exactly.
  const std::uint32_t small =
      std::bit_cast<std::uint32_t>(static_cast<float>(static_cast<std::int32_t>(mantissa)) * 0x1p-24f);
  // Selection by masks rather than branches, so that loops vectorize.
  const std::uint32_t is_special = 0u - static_cast<std::uint32_t>(exponent == 0x1fu);
  const std::uint32_t is_small = 0u - static_cast<std::uint32_t>(exponent == 0);
  const std::uint32_t magnitude =
      (special & is_special) | (small & is_small) | (normal & ~(is_special | is_small));
  return std::bit_cast<float>(sign | magnitude);
}

// Rounds to nearest, ties to even, as IEEE 754 (and numpy's astype(float16)) does: values
// from 65520 up become infinity, values below 2^-25 become zero, tiny ones become
// subnormals. A NaN stays NaN, quiet, with the top of its payload.
inline std::uint16_t f32_to_f16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t a = x & 0x7fffffffu;
  // Normal range [2^-14, 65520): re-bias, then round the 13 dropped bits to nearest even.
  const std::uint32_t odd = (a >> 13) & 1u;
  const std::uint32_t normal = (a - (112u << 23) + 0xfffu + odd) >> 13;
  // Below 2^-14: adding 0.5 puts the value's multiples of 2^-24 in the mantissa, and the
  // hardware addition rounds to nearest even.
  const std::uint32_t small =
      std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + 0.5f) - 0x3f000000u;
  const std::uint32_t nan = 0x7e00u | ((a >> 13) & 0x3ffu);
  const std::uint32_t is_small = 0u - static_cast<std::uint32_t>(a < 0x38800000u);
  const std::uint32_t is_inf = 0u - static_cast<std::uint32_t>(a >= 0x477ff000u && a <= 0x7f800000u);
  const std::uint32_t is_nan = 0u - static_cast<std::uint32_t>(a > 0x7f800000u);
  const std::uint32_t finite = (small & is_small) | (normal & ~is_small);
  const std::uint32_t magnitude =
      (nan & is_nan) | (0x7c00u & is_inf) | (finite & ~(is_inf | is_nan));
  return static_cast<std::uint16_t>(sign | magnitude);
}

// Exact: bfloat16 is the top half of a float32.
inline float bf16_to_f32(std::uint16_t h) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

// Rounds to nearest, ties to even, as PyTorch's float32 → bfloat16 does; a NaN stays NaN
// (quiet, sign and top payload kept).
inline std::uint16_t f32_to_bf16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
  const std::uint32_t nan = (x >> 16) | 0x40u;
  return static_cast<std::uint16_t>((x & 0x7fffffffu) > 0x7f800000u ? nan : rounded);
}

}  // namespace molt::tensor
