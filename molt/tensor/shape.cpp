#include "molt/tensor/shape.h"

#include <limits>

namespace molt::tensor {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool multiply(std::int64_t a, std::int64_t b, std::int64_t& out) {
  if (a != 0 && b > kMax / a) return false;
  out = a * b;
  return true;
}

}  // namespace

std::optional<std::int64_t> checked_element_count(std::span<const std::int64_t> shape) {
  std::int64_t n = 1;
  for (const std::int64_t d : shape) {
    if (d < 0) return std::nullopt;
    if (!multiply(n, d, n)) return std::nullopt;
  }
  return n;
}

std::optional<std::int64_t> checked_byte_size(DType dtype, std::span<const std::int64_t> shape) {
  const DTypeInfo& info = dtype_info(dtype);
  const auto n = checked_element_count(shape);
  if (!n) return std::nullopt;
  if (info.block_size > 1 && (shape.empty() || shape.back() % info.block_size != 0)) {
    return std::nullopt;
  }
  std::int64_t bytes = 0;
  if (!multiply(*n / info.block_size, info.block_bytes, bytes)) return std::nullopt;
  return bytes;
}

std::string byte_size_problem(DType dtype, std::span<const std::int64_t> shape) {
  const DTypeInfo& info = dtype_info(dtype);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) return "dimension " + std::to_string(i) + " is negative";
  }
  if (info.block_size > 1) {
    if (shape.empty()) return std::string("a scalar cannot be stored as ") + std::string(info.name);
    if (shape.back() % info.block_size != 0) {
      return "last dimension " + std::to_string(shape.back()) + " is not a multiple of " +
             std::string(info.name) + "'s block size " + std::to_string(info.block_size);
    }
  }
  if (!checked_byte_size(dtype, shape)) return "size of shape " + shape_string(shape) + " overflows";
  return {};
}

std::string shape_string(std::span<const std::int64_t> shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  out += "]";
  return out;
}

}  // namespace molt::tensor
