#include "molt/tensor/dequantize.h"

#include <cstdint>
#include <cstring>

#include "molt/base/check.h"
#include "molt/tensor/half.h"

namespace molt::tensor {
namespace {

// Block layouts (ggml-common.h), little-endian, packed; "f16" is an IEEE half:
//   Q4_0  18 B / 32:  f16 d, u8 qs[16]                  x = (nibble - 8) * d
//   Q4_1  20 B / 32:  f16 d, f16 m, u8 qs[16]           x = nibble * d + m
//   Q5_0  22 B / 32:  f16 d, u8 qh[4], u8 qs[16]        x = (nibble | high bit << 4) - 16) * d
//   Q5_1  24 B / 32:  f16 d, f16 m, u8 qh[4], u8 qs[16] x = (nibble | high bit << 4) * d + m
//   Q8_0  34 B / 32:  f16 d, i8 qs[32]                  x = q * d
//   Q4_K 144 B / 256: f16 d, f16 dmin, u8 scales[12], u8 qs[128]
//   Q5_K 176 B / 256: f16 d, f16 dmin, u8 scales[12], u8 qh[32], u8 qs[128]
//   Q6_K 210 B / 256: u8 ql[128], u8 qh[64], i8 scales[16], f16 d
// In the 32-value types, byte j's low nibble is value j and its high nibble value j + 16.

using Block = const std::uint8_t*;

float load_f16(Block p) {
  std::uint16_t h;
  std::memcpy(&h, p, sizeof(h));
  return f16_to_f32(h);
}

void q4_0(Block b, float* y) {
  const float d = load_f16(b);
  const std::uint8_t* qs = b + 2;
  for (int j = 0; j < 16; ++j) {
    const int x0 = (qs[j] & 0x0F) - 8;
    const int x1 = (qs[j] >> 4) - 8;
    y[j] = static_cast<float>(x0) * d;
    y[j + 16] = static_cast<float>(x1) * d;
  }
}

void q4_1(Block b, float* y) {
  const float d = load_f16(b);
  const float m = load_f16(b + 2);
  const std::uint8_t* qs = b + 4;
  for (int j = 0; j < 16; ++j) {
    const int x0 = qs[j] & 0x0F;
    const int x1 = qs[j] >> 4;
    y[j] = static_cast<float>(x0) * d + m;
    y[j + 16] = static_cast<float>(x1) * d + m;
  }
}

void q5_0(Block b, float* y) {
  const float d = load_f16(b);
  std::uint32_t qh;
  std::memcpy(&qh, b + 2, sizeof(qh));
  const std::uint8_t* qs = b + 6;
  for (int j = 0; j < 16; ++j) {
    // Bit j of qh is the fifth bit of value j, bit j + 16 that of value j + 16.
    const std::uint32_t h0 = ((qh >> j) << 4) & 0x10u;
    const std::uint32_t h1 = (qh >> (j + 12)) & 0x10u;
    const int x0 = static_cast<int>((qs[j] & 0x0Fu) | h0) - 16;
    const int x1 = static_cast<int>((qs[j] >> 4) | h1) - 16;
    y[j] = static_cast<float>(x0) * d;
    y[j + 16] = static_cast<float>(x1) * d;
  }
}

void q5_1(Block b, float* y) {
  const float d = load_f16(b);
  const float m = load_f16(b + 2);
  std::uint32_t qh;
  std::memcpy(&qh, b + 4, sizeof(qh));
  const std::uint8_t* qs = b + 8;
  for (int j = 0; j < 16; ++j) {
    const std::uint32_t h0 = ((qh >> j) << 4) & 0x10u;
    const std::uint32_t h1 = (qh >> (j + 12)) & 0x10u;
    const int x0 = static_cast<int>((qs[j] & 0x0Fu) | h0);
    const int x1 = static_cast<int>((qs[j] >> 4) | h1);
    y[j] = static_cast<float>(x0) * d + m;
    y[j + 16] = static_cast<float>(x1) * d + m;
  }
}

void q8_0(Block b, float* y) {
  const float d = load_f16(b);
  const auto* qs = reinterpret_cast<const std::int8_t*>(b + 2);
  for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(qs[j]) * d;
}

// The K-quants' 12 scale bytes hold eight 6-bit scales and eight 6-bit minimums: pairs 0-3
// in the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); pairs 4-7 take their low 4 bits
// from bytes 8-11 and their top 2 bits from the top of bytes 0-3 / 4-7.
void scale_min_k4(int j, const std::uint8_t* q, float& scale, float& min) {
  std::uint8_t sc;
  std::uint8_t m;
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    m = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
  scale = static_cast<float>(sc);
  min = static_cast<float>(m);
}

// Q4_K: 8 sub-blocks of 32; value = d * scale * nibble - dmin * min. Each 32 bytes of qs
// hold two sub-blocks: low nibbles first, then high nibbles.
void q4_k(Block b, float* y) {
  const float d = load_f16(b);
  const float dmin = load_f16(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* q = b + 16;
  for (int is = 0; is < 8; is += 2) {
    float sc;
    float m;
    scale_min_k4(is, scales, sc, m);
    const float d1 = d * sc;
    const float m1 = dmin * m;
    scale_min_k4(is + 1, scales, sc, m);
    const float d2 = d * sc;
    const float m2 = dmin * m;
    for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    q += 32;
  }
}

// Q5_K: Q4_K plus a fifth bit per value from qh; sub-block pair p uses qh bits 2p and 2p+1.
void q5_k(Block b, float* y) {
  const float d = load_f16(b);
  const float dmin = load_f16(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* qh = b + 16;
  const std::uint8_t* ql = b + 48;
  std::uint8_t u1 = 1;
  std::uint8_t u2 = 2;
  for (int is = 0; is < 8; is += 2) {
    float sc;
    float m;
    scale_min_k4(is, scales, sc, m);
    const float d1 = d * sc;
    const float m1 = dmin * m;
    scale_min_k4(is + 1, scales, sc, m);
    const float d2 = d * sc;
    const float m2 = dmin * m;
    for (int l = 0; l < 32; ++l) {
      *y++ = d1 * static_cast<float>((ql[l] & 0xF) + ((qh[l] & u1) != 0 ? 16 : 0)) - m1;
    }
    for (int l = 0; l < 32; ++l) {
      *y++ = d2 * static_cast<float>((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0)) - m2;
    }
    ql += 32;
    u1 = static_cast<std::uint8_t>(u1 << 2);
    u2 = static_cast<std::uint8_t>(u2 << 2);
  }
}

// Q6_K: 16 sub-blocks of 16 with signed 8-bit scales; value = d * scale * (q - 32), q being
// 4 low bits from ql and 2 high bits from qh. Each half (128 values) uses 64 bytes of ql,
// 32 of qh and 8 scales.
void q6_k(Block b, float* y) {
  const std::uint8_t* ql = b;
  const std::uint8_t* qh = b + 128;
  const auto* sc = reinterpret_cast<const std::int8_t*>(b + 192);
  const float d = load_f16(b + 208);
  for (int half = 0; half < 2; ++half) {
    // Values l and l + 32k of this half share scale sc[l / 16 + 2k]; d * scale is formed
    // first, as ggml's expression (d * sc[is]) * q does.
    for (int group = 0; group < 2; ++group) {
      const float s1 = d * static_cast<float>(sc[group]);
      const float s2 = d * static_cast<float>(sc[group + 2]);
      const float s3 = d * static_cast<float>(sc[group + 4]);
      const float s4 = d * static_cast<float>(sc[group + 6]);
      for (int l = group * 16; l < group * 16 + 16; ++l) {
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = s1 * static_cast<float>(q1);
        y[l + 32] = s2 * static_cast<float>(q2);
        y[l + 64] = s3 * static_cast<float>(q3);
        y[l + 96] = s4 * static_cast<float>(q4);
      }
    }
    y += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

using BlockFn = void (*)(Block, float*);

BlockFn block_function(DType dtype) {
  switch (dtype) {
    case DType::kQ4_0: return q4_0;
    case DType::kQ4_1: return q4_1;
    case DType::kQ5_0: return q5_0;
    case DType::kQ5_1: return q5_1;
    case DType::kQ8_0: return q8_0;
    case DType::kQ4_K: return q4_k;
    case DType::kQ5_K: return q5_k;
    case DType::kQ6_K: return q6_k;
    default: return nullptr;
  }
}

}  // namespace

bool can_dequantize(DType dtype) { return block_function(dtype) != nullptr; }

void dequantize(DType dtype, std::span<const std::byte> src, std::span<float> dst) {
  const BlockFn fn = block_function(dtype);
  MOLT_CHECK(fn != nullptr);
  const DTypeInfo& info = dtype_info(dtype);
  MOLT_CHECK(dst.size() % static_cast<std::size_t>(info.block_size) == 0);
  const std::size_t n_blocks = dst.size() / static_cast<std::size_t>(info.block_size);
  MOLT_CHECK(src.size() == n_blocks * static_cast<std::size_t>(info.block_bytes));
  const auto* in = reinterpret_cast<const std::uint8_t*>(src.data());
  float* out = dst.data();
  for (std::size_t i = 0; i < n_blocks; ++i) {
    fn(in, out);
    in += info.block_bytes;
    out += info.block_size;
  }
}

}  // namespace molt::tensor
