// exact_top_k against a naive double-precision scan, with ties, skips and k > n.
#include <random>

#include <gtest/gtest.h>

#include "molt/index/exact_search.h"

namespace molt::index {
namespace {

std::vector<float> random_rows(std::size_t rows, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist;
  std::vector<float> x(rows * dim);
  for (auto& v : x) v = dist(rng);
  return x;
}

TEST(ExactSearch, MatchesNaiveScanAcrossBlocks) {
  const std::size_t dim = 7, n_docs = 1000, n_q = 37;
  auto corpus = random_rows(n_docs, dim, 1);
  auto queries = random_rows(n_q, dim, 2);
  ExactSearchOptions opt;
  opt.k = 15;
  opt.query_block = 10;  // several query and doc blocks
  opt.doc_block = 64;
  ThreadPool pool(2);
  const auto got = exact_top_k(queries, corpus, dim, opt, &pool);
  ASSERT_EQ(got.size(), n_q);
  for (std::size_t q = 0; q < n_q; ++q) {
    std::vector<std::pair<double, std::size_t>> all;
    for (std::size_t d = 0; d < n_docs; ++d) {
      double s = 0;
      for (std::size_t j = 0; j < dim; ++j) s += double(queries[q * dim + j]) * corpus[d * dim + j];
      all.emplace_back(-s, d);
    }
    std::sort(all.begin(), all.end());
    ASSERT_EQ(got[q].size(), 15u);
    for (std::size_t r = 0; r < 15; ++r) {
      EXPECT_EQ(got[q][r].id, static_cast<std::int64_t>(all[r].second)) << "query " << q << " rank " << r;
      EXPECT_NEAR(got[q][r].score, -all[r].first, 1e-4);
    }
  }
}

TEST(ExactSearch, TiesBreakByLowerRowAndSkipApplies) {
  const std::size_t dim = 2;
  const std::vector<float> corpus = {1, 0, 0, 1, 1, 0, 1, 0, 0.5f, 0};
  const std::vector<float> queries = {1, 0};
  ExactSearchOptions opt;
  opt.k = 10;  // larger than the corpus
  auto got = exact_top_k(queries, corpus, dim, opt);
  ASSERT_EQ(got[0].size(), 5u);
  EXPECT_EQ(got[0][0].id, 0);
  EXPECT_EQ(got[0][1].id, 2);
  EXPECT_EQ(got[0][2].id, 3);
  EXPECT_EQ(got[0][3].id, 4);
  EXPECT_EQ(got[0][4].id, 1);
  opt.k = 2;
  opt.skip = [](std::size_t, std::size_t d) { return d == 2; };
  got = exact_top_k(queries, corpus, dim, opt);
  ASSERT_EQ(got[0].size(), 2u);
  EXPECT_EQ(got[0][0].id, 0);
  EXPECT_EQ(got[0][1].id, 3);
}

TEST(ExactSearch, NormalizeRows) {
  std::vector<float> x = {3, 4, 0, 0};
  l2_normalize_rows(x, 2);
  EXPECT_FLOAT_EQ(x[0], 0.6f);
  EXPECT_FLOAT_EQ(x[1], 0.8f);
  EXPECT_EQ(x[2], 0.0f);
}

}  // namespace
}  // namespace molt::index
