// Exact scoring of one query against rows of a row-major matrix, shared by every index
// kind: the flat index's whole search, and the exact paths of the approximate ones (a small
// allowed set, or SearchOptions::exact).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "molt/index/top_k.h"
#include "molt/index/vector_index.h"

namespace molt::index {

// The score of stored row `x` for `query` (both f32 [dim]; for cosine both already
// normalized): inner product, or the negated squared L2 distance.
float row_score(Metric metric, const float* query, const float* x, std::size_t dim);

// Top k over every row of data f32 [labels.size(), dim]; row r has id labels[r], and a
// negative label marks a dead row that is skipped.
std::vector<Hit> scan_all_rows(Metric metric, std::span<const float> query, const float* data,
                               std::span<const std::int64_t> labels, std::size_t k);

// Top k over chosen rows: each (row, id) pair names a row of data f32 [*, dim] and its id.
struct RowRef {
  std::size_t row;
  std::int64_t id;
};
std::vector<Hit> scan_some_rows(Metric metric, std::span<const float> query, const float* data,
                                std::span<const RowRef> rows, std::size_t k);

// The query as the index compares it: a copy, normalized for cosine.
std::vector<float> prepare_query(Metric metric, std::span<const float> query);

// How small an allowed set must be for an approximate index to score it exactly instead of
// filtering its graph or lists: under this many ids, or under 10% of the index (graph
// search with a restrictive filter loses recall, as faiss and Qdrant both observe).
bool prefer_exact_for_allowed(std::size_t n_allowed, std::size_t n_total);

}  // namespace molt::index
