// Exact (brute-force) inner-product top-k search of many queries over a corpus by blocked
// matrix products: the oracle every approximate index is measured against, and what
// evaluation uses. For cosine, L2-normalize both sides first (l2_normalize_rows).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "molt/base/thread_pool.h"
#include "molt/index/top_k.h"

namespace molt::index {

struct ExactSearchOptions {
  std::size_t k = 10;
  // Rows of queries and of the corpus per matrix product; bounds scratch memory to
  // query_block * doc_block floats.
  std::size_t query_block = 512;
  std::size_t doc_block = 4096;
  // When set, a doc for which skip(query_row, doc_row) is true is never returned for that
  // query (e.g. BEIR's rule that a document with the query's own id is excluded).
  std::function<bool(std::size_t query, std::size_t doc)> skip;
};

// queries f32 [n_queries, dim], corpus f32 [n_docs, dim], row-major, dim > 0.
// Returns, per query, up to k hits (id = corpus row) best first; equal scores by lower row.
// The pool (may be null) parallelizes the selection; the matrix products use the BLAS
// library's threads.
std::vector<std::vector<Hit>> exact_top_k(std::span<const float> queries,
                                          std::span<const float> corpus, std::size_t dim,
                                          const ExactSearchOptions& options,
                                          ThreadPool* pool = nullptr);

// Scales every row of x f32 [rows, dim] to unit L2 norm (zero rows stay zero).
void l2_normalize_rows(std::span<float> x, std::size_t dim);

}  // namespace molt::index
