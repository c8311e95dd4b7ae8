#include "molt/index/bm25_similarity.h"

#include <bit>
#include <cmath>

namespace molt::index {
namespace {

// SmallFloat.longToInt4: 4 significant bits (the leading one implicit) and a shift.
std::uint32_t long_to_int4(std::uint64_t i) {
  const int num_bits = 64 - std::countl_zero(i);
  if (num_bits < 4) return static_cast<std::uint32_t>(i);  // subnormal
  const int shift = num_bits - 4;
  auto encoded = static_cast<std::uint32_t>(i >> shift);
  encoded &= 0x07;
  encoded |= static_cast<std::uint32_t>(shift + 1) << 3;
  return encoded;
}

std::uint64_t int4_to_long(std::uint32_t i) {
  const std::uint64_t bits = i & 0x07;
  const int shift = static_cast<int>(i >> 3) - 1;
  return shift == -1 ? bits : (bits | 0x08) << shift;
}

// 255 - longToInt4(Integer.MAX_VALUE) = 24: lengths below it are stored exactly.
constexpr std::uint32_t kNumFreeValues = 24;

}  // namespace

std::uint8_t encode_length(std::uint32_t n_terms) {
  if (n_terms < kNumFreeValues) return static_cast<std::uint8_t>(n_terms);
  return static_cast<std::uint8_t>(kNumFreeValues + long_to_int4(n_terms - kNumFreeValues));
}

std::uint32_t decode_length(std::uint8_t norm) {
  if (norm < kNumFreeValues) return norm;
  return static_cast<std::uint32_t>(kNumFreeValues + int4_to_long(norm - kNumFreeValues));
}

float bm25_idf(std::uint64_t doc_freq, std::uint64_t doc_count) {
  const double df = static_cast<double>(doc_freq);
  const double n = static_cast<double>(doc_count);
  return static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
}

float bm25_average_length(std::uint64_t sum_total_term_freq, std::uint64_t doc_count) {
  if (doc_count == 0) return 1.0f;
  return static_cast<float>(static_cast<double>(sum_total_term_freq) / static_cast<double>(doc_count));
}

Bm25Scorer::Bm25Scorer(const Bm25Params& params, float average_length) {
  // Same float operations, in the same order, as BM25Similarity.scorer().
  for (int i = 0; i < 256; ++i) {
    const auto length = static_cast<float>(decode_length(static_cast<std::uint8_t>(i)));
    norm_inverse_[static_cast<std::size_t>(i)] =
        1.0f / (params.k1 * ((1.0f - params.b) + params.b * length / average_length));
  }
}

}  // namespace molt::index
