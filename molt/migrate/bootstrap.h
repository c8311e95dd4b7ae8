// The paired bootstrap of a mean difference: queries resampled with replacement, the mean of
// their per-query differences taken each time, the 2.5th and 97.5th percentiles of those
// means as a 95% confidence interval (Efron and Tibshirani's percentile interval, as IR
// evaluation papers use it to compare two systems on one query set).
#pragma once

#include <cstdint>
#include <span>

namespace molt::migrate {

struct DifferenceInterval {
  double mean = 0.0;  // mean of b - a
  double low = 0.0;   // 95% interval
  double high = 0.0;
};

// b[i] - a[i] paired by query. Deterministic for a given seed. a and b must have the same
// length; an empty pair gives zeros.
DifferenceInterval paired_bootstrap(std::span<const double> a, std::span<const double> b, int resamples,
                                    std::uint64_t seed);

}  // namespace molt::migrate
