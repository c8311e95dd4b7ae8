// Bulk conversions of tensor elements to and from float32, chosen per CPU at run time
// (F16C where the machine has it, the vectorizable scalar loops of half.h otherwise).
// Sources are raw little-endian bytes with any alignment: memory-mapped files promise none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "molt/tensor/dtype.h"

namespace molt::tensor {

// n = dst.size() values; src.size() must be 2 * n bytes. Exact (half.h).
void f16_to_f32(std::span<const std::byte> src, std::span<float> dst);
void bf16_to_f32(std::span<const std::byte> src, std::span<float> dst);

// Round to nearest even (half.h); dst.size() must equal src.size().
void f32_to_f16(std::span<const float> src, std::span<std::uint16_t> dst);
void f32_to_bf16(std::span<const float> src, std::span<std::uint16_t> dst);

// True when dtype_info(dtype).converts_to_f32: F32, F64, F16, BF16 and the GGML types
// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K.
bool converts_to_f32(DType dtype);
// Throws the input_error convert_to_f32() gives for a dtype that does not convert.
void require_converts_to_f32(DType dtype);

// Converts dst.size() values of `dtype` (whole blocks for quantized types) stored in `src`
// to float32. src.size() must be the exact byte size of that many values. F64 rounds to
// nearest. Throws input_error naming the dtype when it does not convert (integers, bool,
// and GGML types molt does not decode). Thread-safe; callers may split rows across threads.
void convert_to_f32(DType dtype, std::span<const std::byte> src, std::span<float> dst);

}  // namespace molt::tensor
