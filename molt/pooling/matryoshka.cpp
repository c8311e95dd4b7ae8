#include "molt/pooling/matryoshka.h"

#include <algorithm>
#include <cmath>

#include "molt/pooling/normalize.h"

namespace molt::pooling {
namespace {

// torch.nn.functional.layer_norm(x, (width,)) without weight or bias, eps 1e-5, as the
// nomic-embed-text-v1.5 card applies it before slicing.
void layer_norm_rows(compute::MatrixView x) {
  constexpr double kEps = 1e-5;
  for (std::size_t r = 0; r < x.rows; ++r) {
    float* row = x.row(r);
    double mean = 0.0;
    for (std::size_t c = 0; c < x.cols; ++c) mean += row[c];
    mean /= static_cast<double>(x.cols);
    double var = 0.0;
    for (std::size_t c = 0; c < x.cols; ++c) var += (row[c] - mean) * (row[c] - mean);
    var /= static_cast<double>(x.cols);
    const double inv = 1.0 / std::sqrt(var + kEps);
    for (std::size_t c = 0; c < x.cols; ++c) row[c] = static_cast<float>((row[c] - mean) * inv);
  }
}

}  // namespace

void matryoshka_truncate(const MatryoshkaRecipe& recipe, compute::MatrixView in, compute::MatrixView out) {
  MOLT_CHECK(in.rows == out.rows && out.cols <= in.cols);
  if (recipe.pre_step == model::MatryoshkaPreStep::kLayerNorm) layer_norm_rows(in);
  for (std::size_t r = 0; r < in.rows; ++r) std::copy_n(in.row(r), out.cols, out.row(r));
  if (recipe.renormalize) l2_normalize_rows(out);
}

}  // namespace molt::pooling
