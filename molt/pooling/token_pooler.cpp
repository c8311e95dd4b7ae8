#include "molt/pooling/token_pooler.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace molt::pooling {
namespace {

using model::PoolingMode;

// Pooling.forward's masked-out value for max pooling.
constexpr float kMaskedMax = -1e9f;

}  // namespace

void TokenPooler::pool(compute::ConstMatrixView states, std::span<const std::uint32_t> offsets,
                       std::span<const std::uint32_t> prompt_lengths, compute::MatrixView out) const {
  const std::size_t width = input_dim();
  const std::size_t n_seqs = offsets.empty() ? 0 : offsets.size() - 1;
  MOLT_CHECK(states.cols == width && out.rows == n_seqs && out.cols == output_dim());
  MOLT_CHECK(prompt_lengths.empty() || prompt_lengths.size() == n_seqs);
  std::vector<double> acc(width);
  for (std::size_t s = 0; s < n_seqs; ++s) {
    const std::size_t begin = offsets[s], end = offsets[s + 1];
    const std::size_t len = end - begin;
    // Tokens [first, end) count for the masked modes.
    std::size_t first = begin;
    if (!config_.include_prompt && !prompt_lengths.empty()) {
      first = std::min(end, begin + prompt_lengths[s]);
    }
    float* dst = out.row(s);
    for (const PoolingMode mode : config_.modes) {
      switch (mode) {
        case PoolingMode::kCls:
          if (len == 0) {
            std::fill(dst, dst + width, 0.0f);
          } else {
            std::copy_n(states.row(begin), width, dst);
          }
          break;
        case PoolingMode::kLastToken:
          if (len == 0) {
            std::fill(dst, dst + width, 0.0f);
          } else {
            std::copy_n(states.row(end - 1), width, dst);
          }
          break;
        case PoolingMode::kMax:
          std::fill(dst, dst + width, kMaskedMax);
          for (std::size_t t = first; t < end; ++t) {
            const float* row = states.row(t);
            for (std::size_t c = 0; c < width; ++c) dst[c] = std::max(dst[c], row[c]);
          }
          break;
        case PoolingMode::kMean:
        case PoolingMode::kMeanSqrtLen:
        case PoolingMode::kWeightedMean: {
          std::fill(acc.begin(), acc.end(), 0.0);
          double weight_sum = 0.0;
          for (std::size_t t = first; t < end; ++t) {
            // weightedmean weighs position p (0-based, counted from the sequence start) p + 1.
            const double w = mode == PoolingMode::kWeightedMean ? static_cast<double>(t - begin + 1) : 1.0;
            const float* row = states.row(t);
            for (std::size_t c = 0; c < width; ++c) acc[c] += w * row[c];
            weight_sum += w;
          }
          // torch.clamp(sum_mask, min=1e-9): a sequence with nothing to pool gives zeros.
          weight_sum = std::max(weight_sum, 1e-9);
          const double divisor = mode == PoolingMode::kMeanSqrtLen ? std::sqrt(weight_sum) : weight_sum;
          for (std::size_t c = 0; c < width; ++c) dst[c] = static_cast<float>(acc[c] / divisor);
          break;
        }
      }
      dst += width;
    }
  }
}

}  // namespace molt::pooling
