// Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): merges rankings of the
// same documents by score(d) = sum over rankings of 1 / (k + rank of d), rank from 1, a
// ranking that lacks d adding nothing. Hybrid search fuses BM25 and dense rankings with it.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "molt/index/top_k.h"

namespace molt::index {

struct RrfOptions {
  double k = 60.0;        // the constant of the paper
  std::size_t depth = 0;  // use only each ranking's first `depth` hits; 0 = all of them
};

// rankings: each best first (ids comparable across rankings; scores ignored; a repeated id
// counts at its first position only). Returns the top_k fused hits, best first: score = the
// RRF sum (computed in double, rounded to float), equal scores by lower id.
std::vector<Hit> reciprocal_rank_fusion(std::span<const std::vector<Hit>> rankings,
                                        std::size_t top_k, const RrfOptions& options = {});

}  // namespace molt::index
