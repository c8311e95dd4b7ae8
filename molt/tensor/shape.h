// Shape: the dimensions of a row-major tensor, outermost first (see tensor.h), and the
// overflow-checked arithmetic that turns a shape read from a file into counts and sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "molt/tensor/dtype.h"

namespace molt::tensor {

using Shape = std::vector<std::int64_t>;

// Product of the dimensions (1 for a scalar of rank 0). nullopt when a dimension is
// negative or the product does not fit in int64.
std::optional<std::int64_t> checked_element_count(std::span<const std::int64_t> shape);

// Bytes that `shape` takes in `dtype`. nullopt on overflow, on a negative dimension, or
// when a quantized dtype's last dimension is not a multiple of its block size (a rank-0
// shape cannot be quantized).
std::optional<std::int64_t> checked_byte_size(DType dtype, std::span<const std::int64_t> shape);

// Why checked_byte_size() refused `shape`, for error messages ("dimension 1 is negative",
// "last dimension 30 is not a multiple of Q8_0's block size 32", "size overflows").
std::string byte_size_problem(DType dtype, std::span<const std::int64_t> shape);

// "[2, 3]".
std::string shape_string(std::span<const std::int64_t> shape);

}  // namespace molt::tensor
