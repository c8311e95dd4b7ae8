// Reciprocal rank fusion on rankings small enough to sum by hand.
#include <vector>

#include <gtest/gtest.h>

#include "molt/index/rank_fusion.h"

namespace molt::index {
namespace {

std::vector<Hit> ranking(std::vector<std::int64_t> ids) {
  std::vector<Hit> out;
  float score = 100.0f;
  for (const auto id : ids) out.push_back(Hit{id, score--});
  return out;
}

TEST(RankFusion, SumsReciprocalRanks) {
  const std::vector<std::vector<Hit>> lists = {ranking({1, 2, 3}), ranking({3, 1, 4})};
  const auto fused = reciprocal_rank_fusion(lists, 10);
  ASSERT_EQ(fused.size(), 4u);
  EXPECT_EQ(fused[0].id, 1);  // 1/61 + 1/62
  EXPECT_FLOAT_EQ(fused[0].score, static_cast<float>(1.0 / 61 + 1.0 / 62));
  EXPECT_EQ(fused[1].id, 3);  // 1/63 + 1/61
  EXPECT_FLOAT_EQ(fused[1].score, static_cast<float>(1.0 / 63 + 1.0 / 61));
  EXPECT_EQ(fused[2].id, 2);  // 1/62
  EXPECT_EQ(fused[3].id, 4);  // 1/63
  EXPECT_FLOAT_EQ(fused[3].score, static_cast<float>(1.0 / 63));
}

TEST(RankFusion, KDepthTopKAndTies) {
  const std::vector<std::vector<Hit>> lists = {ranking({5, 2, 3}), ranking({7, 5, 9})};
  // depth 1: only 5 and 7, each 1/(k + 1): a tie, broken by the lower id.
  const auto shallow = reciprocal_rank_fusion(lists, 10, {.k = 60, .depth = 1});
  ASSERT_EQ(shallow.size(), 2u);
  EXPECT_EQ(shallow[0].id, 5);
  EXPECT_EQ(shallow[1].id, 7);
  EXPECT_EQ(shallow[0].score, shallow[1].score);
  // k = 0: 5 scores 1/1 + 1/2, 7 scores 1/1.
  const auto sharp = reciprocal_rank_fusion(lists, 2, {.k = 0});
  ASSERT_EQ(sharp.size(), 2u);
  EXPECT_EQ(sharp[0].id, 5);
  EXPECT_FLOAT_EQ(sharp[0].score, 1.5f);
  EXPECT_EQ(sharp[1].id, 7);
}

TEST(RankFusion, RepeatsAndEmptyLists) {
  const std::vector<std::vector<Hit>> lists = {ranking({1, 1, 2}), {}};
  const auto fused = reciprocal_rank_fusion(lists, 10);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_FLOAT_EQ(fused[0].score, static_cast<float>(1.0 / 61));  // the repeat adds nothing
  EXPECT_FLOAT_EQ(fused[1].score, static_cast<float>(1.0 / 63));  // 2 keeps its position, 3
  EXPECT_TRUE(reciprocal_rank_fusion(std::vector<std::vector<Hit>>{}, 10).empty());
  EXPECT_TRUE(reciprocal_rank_fusion(lists, 0).empty());
}

}  // namespace
}  // namespace molt::index
