// Dequantization of GGML's block-quantized types to float32, exactly as ggml-quants.c's
// dequantize_row_* functions compute it (same formulas, same float operation order), for
// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 (blocks of 32) and the K-quants Q4_K, Q5_K, Q6_K
// (super-blocks of 256). Block layouts are described in dequantize.cpp.
#pragma once

#include <cstddef>
#include <span>

#include "molt/tensor/dtype.h"

namespace molt::tensor {

// True for the types dequantize() decodes.
bool can_dequantize(DType dtype);

// Decodes dst.size() values (a whole number of blocks) from `src`, which must hold exactly
// dst.size() / block_size blocks. MOLT_CHECKs the sizes and that can_dequantize(dtype).
void dequantize(DType dtype, std::span<const std::byte> src, std::span<float> dst);

}  // namespace molt::tensor
