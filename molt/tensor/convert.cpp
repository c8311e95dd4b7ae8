#include "molt/tensor/convert.h"

#include <bit>
#include <cstring>
#include <string>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/tensor/convert_kernels.h"
#include "molt/tensor/cpu_features.h"
#include "molt/tensor/dequantize.h"
#include "molt/tensor/half.h"

namespace molt::tensor {

// Files store little-endian values and molt reads them in place.
static_assert(std::endian::native == std::endian::little, "molt needs a little-endian host");

namespace kernels {

void f16_to_f32_scalar(const std::byte* src, float* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    std::uint16_t h;
    std::memcpy(&h, src + 2 * i, sizeof(h));
    dst[i] = f16_to_f32(h);
  }
}

void f32_to_f16_scalar(const float* src, std::uint16_t* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = f32_to_f16(src[i]);
}

}  // namespace kernels

void f16_to_f32(std::span<const std::byte> src, std::span<float> dst) {
  MOLT_CHECK(src.size() == 2 * dst.size());
  if (cpu_features().f16c) {
    kernels::f16_to_f32_f16c(src.data(), dst.data(), dst.size());
  } else {
    kernels::f16_to_f32_scalar(src.data(), dst.data(), dst.size());
  }
}

void f32_to_f16(std::span<const float> src, std::span<std::uint16_t> dst) {
  MOLT_CHECK(src.size() == dst.size());
  if (cpu_features().f16c) {
    kernels::f32_to_f16_f16c(src.data(), dst.data(), dst.size());
  } else {
    kernels::f32_to_f16_scalar(src.data(), dst.data(), dst.size());
  }
}

void bf16_to_f32(std::span<const std::byte> src, std::span<float> dst) {
  MOLT_CHECK(src.size() == 2 * dst.size());
  for (std::size_t i = 0; i < dst.size(); ++i) {
    std::uint16_t h;
    std::memcpy(&h, src.data() + 2 * i, sizeof(h));
    dst[i] = bf16_to_f32(h);
  }
}

void f32_to_bf16(std::span<const float> src, std::span<std::uint16_t> dst) {
  MOLT_CHECK(src.size() == dst.size());
  for (std::size_t i = 0; i < src.size(); ++i) dst[i] = f32_to_bf16(src[i]);
}

bool converts_to_f32(DType dtype) { return dtype_info(dtype).converts_to_f32; }

void require_converts_to_f32(DType dtype) {
  if (converts_to_f32(dtype)) return;
  throw input_error("cannot convert " + std::string(dtype_name(dtype)) +
                    " values to F32 (supported: F32, F64, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, "
                    "Q8_0, Q4_K, Q5_K, Q6_K)");
}

void convert_to_f32(DType dtype, std::span<const std::byte> src, std::span<float> dst) {
  require_converts_to_f32(dtype);
  switch (dtype) {
    case DType::kF32:
      MOLT_CHECK(src.size() == 4 * dst.size());
      if (!dst.empty()) std::memcpy(dst.data(), src.data(), src.size());
      return;
    case DType::kF64:
      MOLT_CHECK(src.size() == 8 * dst.size());
      for (std::size_t i = 0; i < dst.size(); ++i) {
        double v;
        std::memcpy(&v, src.data() + 8 * i, sizeof(v));
        dst[i] = static_cast<float>(v);
      }
      return;
    case DType::kF16:
      f16_to_f32(src, dst);
      return;
    case DType::kBF16:
      bf16_to_f32(src, dst);
      return;
    default:
      dequantize(dtype, src, dst);
      return;
  }
}

}  // namespace molt::tensor
