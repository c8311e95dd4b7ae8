// Seeded standard-normal operands for the compute benchmarks.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace molt::bench {

inline std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

}  // namespace molt::bench
