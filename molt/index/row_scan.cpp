#include "molt/index/row_scan.h"

#include "molt/index/vector_math.h"

namespace molt::index {

float row_score(Metric metric, const float* query, const float* x, std::size_t dim) {
  if (metric == Metric::kL2) return -l2_squared(query, x, dim);
  return dot(query, x, dim);
}

std::vector<Hit> scan_all_rows(Metric metric, std::span<const float> query, const float* data,
                               std::span<const std::int64_t> labels, std::size_t k) {
  const std::size_t dim = query.size();
  TopK top(k);
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (labels[r] < 0) continue;
    const Hit h{labels[r], row_score(metric, query.data(), data + r * dim, dim)};
    if (top.full() && !ranks_before(h, top.worst())) continue;
    top.push(h);
  }
  return top.take_sorted();
}

std::vector<Hit> scan_some_rows(Metric metric, std::span<const float> query, const float* data,
                                std::span<const RowRef> rows, std::size_t k) {
  const std::size_t dim = query.size();
  TopK top(k);
  for (const RowRef& ref : rows) {
    const Hit h{ref.id, row_score(metric, query.data(), data + ref.row * dim, dim)};
    if (top.full() && !ranks_before(h, top.worst())) continue;
    top.push(h);
  }
  return top.take_sorted();
}

std::vector<float> prepare_query(Metric metric, std::span<const float> query) {
  std::vector<float> q(query.begin(), query.end());
  if (metric == Metric::kCosine) normalize(q);
  return q;
}

bool prefer_exact_for_allowed(std::size_t n_allowed, std::size_t n_total) {
  constexpr std::size_t kSmallSet = 20000;
  return n_allowed <= kSmallSet || n_allowed * 10 <= n_total;
}

}  // namespace molt::index
