// BM25 as Lucene computes it: the one-byte length norm, idf, and whole-index rankings
// checked against the formula worked by hand.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/index/bm25_index.h"
#include "molt/index/bm25_similarity.h"

namespace molt::index {
namespace {

using V = std::vector<std::string>;

TEST(Bm25Similarity, LengthNormMatchesSmallFloat) {
  for (std::uint32_t n = 0; n < 24; ++n) {
    EXPECT_EQ(encode_length(n), n);
    EXPECT_EQ(decode_length(encode_length(n)), n);
  }
  // 4 significant bits above 24: 40 and 41 share a byte; 42 has the next one.
  EXPECT_EQ(encode_length(40), 40);
  EXPECT_EQ(encode_length(41), 40);
  EXPECT_EQ(encode_length(42), 41);
  EXPECT_EQ(decode_length(41), 42u);
  // 1000 - 24 = 976 = 0b1111010000: keep 1111, shift 6 -> 24 + (15 << 6) = 984.
  EXPECT_EQ(encode_length(1000), 87);
  EXPECT_EQ(decode_length(87), 984u);
  EXPECT_EQ(decode_length(255), 24u + (15u << 27));
  std::uint8_t prev = 0;
  for (std::uint32_t n = 0; n < 200000; n += 7) {
    const std::uint8_t e = encode_length(n);
    EXPECT_GE(e, prev);
    EXPECT_LE(decode_length(e), n);
    prev = e;
  }
}

TEST(Bm25Similarity, IdfAndScore) {
  EXPECT_FLOAT_EQ(bm25_idf(2, 3), static_cast<float>(std::log(1.6)));
  EXPECT_FLOAT_EQ(bm25_idf(1, 1), static_cast<float>(std::log(1.0 + 0.5 / 1.5)));
  EXPECT_FLOAT_EQ(bm25_average_length(6, 3), 2.0f);
  const Bm25Scorer s(Bm25Params{0.9f, 0.4f}, 2.0f);
  // tf 2, dl 3, avgdl 2: idf * 2 / (2 + 0.9 * (0.6 + 0.4 * 1.5)).
  EXPECT_NEAR(s.score(1.0f, 2.0f, encode_length(3)), 2.0 / (2.0 + 0.9 * 1.2), 1e-6);
}

class Bm25IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.add(V{"apple", "banana"});            // row 0: dl 2
    index_.add(V{"apple", "apple", "cherry"});   // row 1: dl 3
    index_.add(V{"banana"});                     // row 2: dl 1
    index_.add(V{});                             // row 3: no terms (all stop words)
  }
  // BM25 of one term occurrence pattern, in double: N = 3, avgdl = 6 / 3.
  static double expected(double df, double tf, double dl) {
    const double idf = std::log(1.0 + (3.0 - df + 0.5) / (df + 0.5));
    return idf * tf / (tf + 0.9 * (0.6 + 0.4 * dl / 2.0));
  }
  Bm25Index index_;
};

TEST_F(Bm25IndexTest, Statistics) {
  EXPECT_EQ(index_.size(), 4u);
  EXPECT_EQ(index_.doc_count(), 3u);  // the empty document does not count
  EXPECT_EQ(index_.sum_total_term_freq(), 6u);
  EXPECT_EQ(index_.n_terms(), 3u);
  EXPECT_EQ(index_.doc_freq("apple"), 2u);
  EXPECT_EQ(index_.doc_freq("durian"), 0u);
}

TEST_F(Bm25IndexTest, RanksByHandComputedScores) {
  const auto hits = index_.search(V{"apple"}, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 1);
  EXPECT_NEAR(hits[0].score, expected(2, 2, 3), 1e-6);
  EXPECT_EQ(hits[1].id, 0);
  EXPECT_NEAR(hits[1].score, expected(2, 1, 2), 1e-6);

  const auto two = index_.search(V{"banana", "cherry"}, 10);
  ASSERT_EQ(two.size(), 3u);
  EXPECT_EQ(two[0].id, 1);  // cherry is rarer
  EXPECT_NEAR(two[0].score, expected(1, 1, 3), 1e-6);
  EXPECT_EQ(two[1].id, 2);  // shorter than row 0
  EXPECT_NEAR(two[1].score, expected(2, 1, 1), 1e-6);
  EXPECT_EQ(two[2].id, 0);
}

TEST_F(Bm25IndexTest, RepeatedQueryTermsWeighMore) {
  const auto once = index_.search(V{"apple", "banana"}, 10);
  const auto twice = index_.search(V{"apple", "apple", "banana"}, 10);
  ASSERT_EQ(once.size(), 3u);
  ASSERT_EQ(twice.size(), 3u);
  EXPECT_EQ(once[0].id, 0);  // row 0 has both terms
  EXPECT_NEAR(once[0].score, 2 * expected(2, 1, 2), 1e-5);
  EXPECT_EQ(once[1].id, 1);
  EXPECT_NEAR(once[1].score, expected(2, 2, 3), 1e-5);
  EXPECT_EQ(twice[0].id, 0);  // apple counts twice
  EXPECT_NEAR(twice[0].score, 3 * expected(2, 1, 2), 1e-5);
  EXPECT_EQ(twice[1].id, 1);
  EXPECT_NEAR(twice[1].score, 2 * expected(2, 2, 3), 1e-5);
}

TEST_F(Bm25IndexTest, CutoffSkipAndMisses) {
  EXPECT_TRUE(index_.search(V{"durian"}, 10).empty());
  EXPECT_TRUE(index_.search(V{}, 10).empty());
  EXPECT_TRUE(index_.search(V{"apple"}, 0).empty());
  const auto top1 = index_.search(V{"apple"}, 1);
  ASSERT_EQ(top1.size(), 1u);
  EXPECT_EQ(top1[0].id, 1);
  const auto skipped = index_.search(V{"apple"}, 10, [](std::size_t row) { return row == 1; });
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].id, 0);
}

TEST(Bm25Index, EqualScoresRankByLowerRow) {
  Bm25Index index;
  index.add(V{"x", "y"});
  index.add(V{"z"});
  index.add(V{"y", "x"});
  const auto hits = index.search(V{"x"}, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[0].id, 0);
  EXPECT_EQ(hits[1].id, 2);
}

}  // namespace
}  // namespace molt::index
