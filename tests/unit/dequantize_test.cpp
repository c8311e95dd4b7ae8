// GGML block dequantization (molt/tensor/dequantize.h) on hand-built blocks, with the
// expected values worked out by hand from the block layouts of ggml-common.h.
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/tensor/convert.h"
#include "molt/tensor/dequantize.h"

namespace {

using molt::tensor::DType;

// Halves used as scales: 0x3c00 = 1, 0x4000 = 2, 0x3800 = 0.5, 0xc000 = -2.
void put_f16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t h) {
  b[at] = static_cast<std::uint8_t>(h & 0xff);
  b[at + 1] = static_cast<std::uint8_t>(h >> 8);
}

std::vector<float> decode(DType dtype, const std::vector<std::uint8_t>& block, std::size_t n) {
  std::vector<float> out(n);
  molt::tensor::dequantize(dtype, std::as_bytes(std::span(block)), out);
  return out;
}

TEST(Dequantize, Q8_0) {
  std::vector<std::uint8_t> b(34);
  put_f16(b, 0, 0x3800);  // d = 0.5
  for (int j = 0; j < 32; ++j) b[2 + j] = static_cast<std::uint8_t>(static_cast<std::int8_t>(j - 16));
  b[2 + 31] = 0x80;  // -128
  const auto y = decode(DType::kQ8_0, b, 32);
  EXPECT_EQ(y[0], -8.0f);
  EXPECT_EQ(y[16], 0.0f);
  EXPECT_EQ(y[17], 0.5f);
  EXPECT_EQ(y[30], 7.0f);
  EXPECT_EQ(y[31], -64.0f);
}

TEST(Dequantize, Q4_0) {
  std::vector<std::uint8_t> b(18);
  put_f16(b, 0, 0x4000);  // d = 2
  b[2 + 0] = 0x0F;  // value 0: 15, value 16: 0
  b[2 + 1] = 0x80;  // value 1: 0, value 17: 8
  b[2 + 15] = 0x79; // value 15: 9, value 31: 7
  const auto y = decode(DType::kQ4_0, b, 32);
  EXPECT_EQ(y[0], (15 - 8) * 2.0f);
  EXPECT_EQ(y[16], (0 - 8) * 2.0f);
  EXPECT_EQ(y[1], (0 - 8) * 2.0f);
  EXPECT_EQ(y[17], 0.0f);
  EXPECT_EQ(y[15], 2.0f);
  EXPECT_EQ(y[31], -2.0f);
  EXPECT_EQ(y[5], -16.0f);  // zero byte: both nibbles 0
}

TEST(Dequantize, Q4_1) {
  std::vector<std::uint8_t> b(20);
  put_f16(b, 0, 0x3c00);  // d = 1
  put_f16(b, 2, 0xc000);  // m = -2
  b[4 + 3] = 0x5A;
  const auto y = decode(DType::kQ4_1, b, 32);
  EXPECT_EQ(y[3], 10 * 1.0f - 2.0f);
  EXPECT_EQ(y[19], 5 * 1.0f - 2.0f);
  EXPECT_EQ(y[0], -2.0f);
}

TEST(Dequantize, Q5_0) {
  std::vector<std::uint8_t> b(22);
  put_f16(b, 0, 0x3c00);  // d = 1
  const std::uint32_t qh = 0x80000001u;  // fifth bit of values 0 and 31
  std::memcpy(b.data() + 2, &qh, 4);
  b[6 + 15] = 0xF0;  // value 15: 0, value 31: 15
  const auto y = decode(DType::kQ5_0, b, 32);
  EXPECT_EQ(y[0], 0.0f);     // (0 | 16) - 16
  EXPECT_EQ(y[16], -16.0f);  // (0 | 0) - 16
  EXPECT_EQ(y[15], -16.0f);
  EXPECT_EQ(y[31], 15.0f);   // (15 | 16) - 16
}

TEST(Dequantize, Q5_1) {
  std::vector<std::uint8_t> b(24);
  put_f16(b, 0, 0x4000);  // d = 2
  put_f16(b, 2, 0x3800);  // m = 0.5
  const std::uint32_t qh = 1u << 5;
  std::memcpy(b.data() + 4, &qh, 4);
  b[8 + 5] = 0x03;
  const auto y = decode(DType::kQ5_1, b, 32);
  EXPECT_EQ(y[5], (3 + 16) * 2.0f + 0.5f);
  EXPECT_EQ(y[21], 0.5f);
}

// Scale bytes shared by the Q4_K and Q5_K cases. Sub-blocks 0-3 take their 6-bit scale and
// min from bytes 0-3 and 4-7; sub-blocks 4-7 take the low 4 bits from bytes 8-11 and the
// top 2 from the top of bytes 0-3 (scale) and 4-7 (min).
std::array<std::uint8_t, 12> k_scales() {
  std::array<std::uint8_t, 12> s{};
  s[0] = 0x42;  // sub-block 0 scale 2; top bits 01 → sub-block 4 scale += 16
  s[1] = 0x01;  // sub-block 1 scale 1
  s[2] = 0x01;  // sub-block 2 scale 1
  s[3] = 0x01;
  s[4] = 0x83;  // sub-block 0 min 3; top bits 10 → sub-block 4 min += 32
  s[8] = 0x25;  // sub-block 4 scale low 5, min low 2 → scale 21, min 34
  return s;
}

TEST(Dequantize, Q4_K) {
  std::vector<std::uint8_t> b(144);
  put_f16(b, 0, 0x3c00);  // d = 1
  put_f16(b, 2, 0x3800);  // dmin = 0.5
  const auto s = k_scales();
  std::memcpy(b.data() + 4, s.data(), 12);
  b[16 + 0] = 0x7A;   // value 0 (sub-block 0): 10; value 32 (sub-block 1): 7
  b[16 + 64] = 0x03;  // value 128 (sub-block 4): 3
  const auto y = decode(DType::kQ4_K, b, 256);
  EXPECT_EQ(y[0], 2 * 10.0f - 0.5f * 3);
  EXPECT_EQ(y[1], -1.5f);
  EXPECT_EQ(y[32], 7.0f);
  EXPECT_EQ(y[128], 21 * 3.0f - 0.5f * 34);
  EXPECT_EQ(y[129], -17.0f);
  EXPECT_EQ(y[160], 0.0f);  // sub-block 5: scale 0, min 0
}

TEST(Dequantize, Q5_K) {
  std::vector<std::uint8_t> b(176);
  put_f16(b, 0, 0x3c00);  // d = 1
  put_f16(b, 2, 0x3800);  // dmin = 0.5
  const auto s = k_scales();
  std::memcpy(b.data() + 4, s.data(), 12);
  b[16 + 0] = 0x05;   // qh[0]: bit 0 (sub-block 0) and bit 2 (sub-block 2) → +16
  b[48 + 0] = 0x7A;   // ql[0]: value 0 low nibble 10, value 32 high nibble 7
  b[48 + 32] = 0x01;  // ql[32]: value 64 low nibble 1
  const auto y = decode(DType::kQ5_K, b, 256);
  EXPECT_EQ(y[0], 2 * (10.0f + 16) - 1.5f);
  EXPECT_EQ(y[32], 7.0f);        // qh bit 1 clear
  EXPECT_EQ(y[64], 1 * (1.0f + 16));
  EXPECT_EQ(y[128], -17.0f);     // sub-block 4, all bits zero: -dmin * 34
}

TEST(Dequantize, Q6_K) {
  std::vector<std::uint8_t> b(210);
  std::uint8_t* ql = b.data();
  std::uint8_t* qh = b.data() + 128;
  auto* sc = reinterpret_cast<std::int8_t*>(b.data() + 192);
  put_f16(b, 208, 0x3800);  // d = 0.5
  sc[0] = 2;
  sc[1] = 7;
  sc[2] = -3;
  sc[4] = 1;
  sc[6] = 4;
  sc[8] = 5;
  ql[0] = 0x21;   // value 0 low bits 1, value 64 low bits 2
  ql[32] = 0x43;  // value 32 low bits 3, value 96 low bits 4
  qh[0] = 0xE4;   // high bits: value 0 → 0, value 32 → 1, value 64 → 2, value 96 → 3
  ql[64] = 0x0F;  // second half, value 128 low bits 15
  qh[32] = 0x03;  // value 128 high bits 3
  const auto y = decode(DType::kQ6_K, b, 256);
  EXPECT_EQ(y[0], 0.5f * 2 * (1 - 32));
  EXPECT_EQ(y[32], 0.5f * -3 * ((3 | 16) - 32));
  EXPECT_EQ(y[64], 0.5f * 1 * ((2 | 32) - 32));
  EXPECT_EQ(y[96], 0.5f * 4 * ((4 | 48) - 32));
  EXPECT_EQ(y[16], 0.5f * 7 * -32);  // value 16 uses scale 1
  EXPECT_EQ(y[128], 0.5f * 5 * ((15 | 48) - 32));
}

TEST(Dequantize, SeveralBlocksThroughConvert) {
  std::vector<std::uint8_t> b(68);
  put_f16(b, 0, 0x3c00);
  put_f16(b, 34, 0xc000);
  b[2] = 3;
  b[36] = 3;
  std::vector<float> y(64);
  molt::tensor::convert_to_f32(DType::kQ8_0, std::as_bytes(std::span(b)), y);
  EXPECT_EQ(y[0], 3.0f);
  EXPECT_EQ(y[32], -6.0f);
  EXPECT_TRUE(molt::tensor::can_dequantize(DType::kQ6_K));
  EXPECT_FALSE(molt::tensor::can_dequantize(DType::kQ2_K));
}

TEST(Dequantize, UnsupportedTypesThrowNamingThem) {
  std::vector<float> y(256);
  std::vector<std::byte> b(84);
  try {
    molt::tensor::convert_to_f32(DType::kQ2_K, b, y);
    FAIL() << "no error";
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("Q2_K"), std::string::npos) << e.what();
  }
}

}  // namespace
