#include "molt/pooling/normalize.h"

#include <algorithm>
#include <cmath>

namespace molt::pooling {

void l2_normalize_rows(compute::MatrixView x) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    float* row = x.row(r);
    double sq = 0.0;
    for (std::size_t c = 0; c < x.cols; ++c) sq += static_cast<double>(row[c]) * row[c];
    const double norm = std::max(std::sqrt(sq), 1e-12);
    for (std::size_t c = 0; c < x.cols; ++c) row[c] = static_cast<float>(row[c] / norm);
  }
}

}  // namespace molt::pooling
