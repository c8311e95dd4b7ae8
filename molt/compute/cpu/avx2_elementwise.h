// Eight-lane versions of the OpenBLAS table's two costliest float loops, for CPUs with AVX2
// and FMA: softmax over rows (attention) and bias + GELU with erf (every FFN). With scalar
// expf and erff they take a fifth of an encoder's time next to OpenBLAS's products. Same
// formulas as the AVX-512 table's (cpu/avx512_math.h): exp within 2 ulp, GELU's Φ from erfc
// with relative error below 1.2e-7.
#pragma once

#include <cstddef>

namespace molt::compute::cpu {

// Both need tensor::cpu_features().avx2_fma().
// x[r, 0..cols) = softmax of the row, max-subtracted, in place, for rows r < rows.
void avx2_softmax_rows(float* x, std::size_t ldx, std::size_t rows, std::size_t cols);

// x[r, c] = gelu_erf(x[r, c] + bias[c]) (bias may be null), in place.
void avx2_bias_gelu_erf(float* x, std::size_t ldx, std::size_t rows, std::size_t cols, const float* bias);

}  // namespace molt::compute::cpu
