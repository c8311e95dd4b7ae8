#include "molt/index/rank_fusion.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

namespace molt::index {

std::vector<Hit> reciprocal_rank_fusion(std::span<const std::vector<Hit>> rankings,
                                        std::size_t top_k, const RrfOptions& options) {
  std::unordered_map<std::int64_t, double> fused;
  std::unordered_set<std::int64_t> seen;
  for (const std::vector<Hit>& ranking : rankings) {
    seen.clear();
    const std::size_t n = options.depth == 0 ? ranking.size() : std::min(options.depth, ranking.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!seen.insert(ranking[i].id).second) continue;
      fused[ranking[i].id] += 1.0 / (options.k + static_cast<double>(i + 1));
    }
  }
  // Summed in double, reported and ranked as float, so that the order agrees with the
  // scores a run file shows.
  std::vector<Hit> all;
  all.reserve(fused.size());
  for (const auto& [id, score] : fused) all.push_back(Hit{id, static_cast<float>(score)});
  const std::size_t n = std::min(top_k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), ranks_before);
  all.resize(n);
  return all;
}

}  // namespace molt::index
