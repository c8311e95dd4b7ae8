#include "molt/index/vector_math.h"

#include <cmath>

namespace molt::index {
namespace {

constexpr std::size_t kLanes = 16;

}  // namespace

float dot(const float* a, const float* b, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) acc[l] += a[i + l] * b[i + l];
  }
  float tail = 0.0f;
  for (; i < n; ++i) tail += a[i] * b[i];
  float sum = 0.0f;
  for (std::size_t l = 0; l < kLanes; ++l) sum += acc[l];
  return sum + tail;
}

float l2_squared(const float* a, const float* b, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) {
      const float d = a[i + l] - b[i + l];
      acc[l] += d * d;
    }
  }
  float tail = 0.0f;
  for (; i < n; ++i) {
    const float d = a[i] - b[i];
    tail += d * d;
  }
  float sum = 0.0f;
  for (std::size_t l = 0; l < kLanes; ++l) sum += acc[l];
  return sum + tail;
}

void normalize(std::span<float> x) {
  double ss = 0.0;
  for (const float v : x) ss += static_cast<double>(v) * v;
  if (ss <= 0.0) return;
  const auto inv = static_cast<float>(1.0 / std::sqrt(ss));
  for (float& v : x) v *= inv;
}

}  // namespace molt::index
