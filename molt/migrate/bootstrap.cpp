#include "molt/migrate/bootstrap.h"

#include <algorithm>
#include <random>
#include <vector>

#include "molt/base/check.h"

namespace molt::migrate {

DifferenceInterval paired_bootstrap(std::span<const double> a, std::span<const double> b, int resamples,
                                    std::uint64_t seed) {
  MOLT_CHECK(a.size() == b.size());
  DifferenceInterval out;
  const std::size_t n = a.size();
  if (n == 0) return out;
  std::vector<double> d(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = b[i] - a[i];
    sum += d[i];
  }
  out.mean = sum / static_cast<double>(n);
  if (resamples <= 0) {
    out.low = out.high = out.mean;
    return out;
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (double& m : means) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += d[pick(rng)];
    m = s / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(means.size() - 1) + 0.5);
    return means[std::min(i, means.size() - 1)];
  };
  out.low = at(0.025);
  out.high = at(0.975);
  return out;
}

}  // namespace molt::migrate
