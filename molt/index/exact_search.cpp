#include "molt/index/exact_search.h"

#include <algorithm>
#include <cmath>

#include "molt/base/check.h"
#include "molt/compute/blas.h"

namespace molt::index {

std::vector<std::vector<Hit>> exact_top_k(std::span<const float> queries,
                                          std::span<const float> corpus, std::size_t dim,
                                          const ExactSearchOptions& options, ThreadPool* pool) {
  MOLT_CHECK(dim > 0 && queries.size() % dim == 0 && corpus.size() % dim == 0);
  const std::size_t n_queries = queries.size() / dim;
  const std::size_t n_docs = corpus.size() / dim;
  const std::size_t k = std::min(options.k, n_docs);
  std::vector<TopK> tops(n_queries, TopK(k));
  if (n_queries == 0 || n_docs == 0 || k == 0) {
    return std::vector<std::vector<Hit>>(n_queries);
  }
  const std::size_t qb = std::max<std::size_t>(options.query_block, 1);
  const std::size_t db = std::max<std::size_t>(options.doc_block, 1);
  std::vector<float> scores(std::min(qb, n_queries) * std::min(db, n_docs));  // f32 [qb, db]

  for (std::size_t q0 = 0; q0 < n_queries; q0 += qb) {
    const std::size_t nq = std::min(qb, n_queries - q0);
    for (std::size_t d0 = 0; d0 < n_docs; d0 += db) {
      const std::size_t nd = std::min(db, n_docs - d0);
      compute::sgemm(compute::Trans::kNo, compute::Trans::kYes, static_cast<int>(nq),
                     static_cast<int>(nd), static_cast<int>(dim), 1.0f,
                     queries.data() + q0 * dim, static_cast<int>(dim), corpus.data() + d0 * dim,
                     static_cast<int>(dim), 0.0f, scores.data(), static_cast<int>(nd));
      auto select = [&](std::size_t begin, std::size_t end, int) {
        for (std::size_t qi = begin; qi < end; ++qi) {
          TopK& top = tops[q0 + qi];
          const float* row = scores.data() + qi * nd;
          for (std::size_t j = 0; j < nd; ++j) {
            const Hit h{static_cast<std::int64_t>(d0 + j), row[j]};
            if (top.full() && !ranks_before(h, top.worst())) continue;
            if (options.skip && options.skip(q0 + qi, d0 + j)) continue;
            top.push(h);
          }
        }
      };
      if (pool != nullptr) {
        pool->parallel_range(nq, 8, select);
      } else {
        select(0, nq, 0);
      }
    }
  }
  std::vector<std::vector<Hit>> out(n_queries);
  for (std::size_t q = 0; q < n_queries; ++q) out[q] = tops[q].take_sorted();
  return out;
}

void l2_normalize_rows(std::span<float> x, std::size_t dim) {
  MOLT_CHECK(dim > 0 && x.size() % dim == 0);
  for (std::size_t r = 0; r < x.size() / dim; ++r) {
    float* row = x.data() + r * dim;
    double ss = 0.0;
    for (std::size_t j = 0; j < dim; ++j) ss += static_cast<double>(row[j]) * row[j];
    if (ss <= 0.0) continue;
    const float inv = static_cast<float>(1.0 / std::sqrt(ss));
    for (std::size_t j = 0; j < dim; ++j) row[j] *= inv;
  }
}

}  // namespace molt::index
