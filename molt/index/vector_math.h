// Small vector kernels for scoring one query against stored rows: inner product and squared
// L2 distance with several independent accumulators (so the compiler keeps them in vector
// registers without reassociating a single sum), and normalization of one row.
#pragma once

#include <cstddef>
#include <span>

namespace molt::index {

float dot(const float* a, const float* b, std::size_t n);
float l2_squared(const float* a, const float* b, std::size_t n);

// Scales `x` to unit L2 norm in place (a zero vector stays zero).
void normalize(std::span<float> x);

}  // namespace molt::index
