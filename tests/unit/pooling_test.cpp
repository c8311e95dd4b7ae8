// The stage after the encoder, on token states worked out by hand: every pooling mode,
// prompt exclusion, Normalize, Dense-free heads, and Matryoshka truncation's recipes.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "molt/model/pooling_config.h"
#include "molt/pooling/matryoshka.h"
#include "molt/pooling/normalize.h"
#include "molt/pooling/sentence_head.h"
#include "molt/pooling/token_pooler.h"

namespace {

using molt::model::PoolingConfig;
using molt::model::PoolingMode;

PoolingConfig config(std::vector<PoolingMode> modes, bool include_prompt = true) {
  PoolingConfig c;
  c.word_embedding_dimension = 2;
  c.modes = std::move(modes);
  c.include_prompt = include_prompt;
  return c;
}

// Two sequences packed: [1,10] [3,30] [5,-50] | [7,70].
const std::vector<float> kStates = {1, 10, 3, 30, 5, -50, 7, 70};
const std::vector<std::uint32_t> kOffsets = {0, 3, 4};

std::vector<float> pool(const PoolingConfig& c, std::vector<std::uint32_t> prompt_lengths = {}) {
  molt::pooling::TokenPooler pooler(c);
  std::vector<float> out(2 * pooler.output_dim());
  pooler.pool({kStates.data(), 4, 2}, kOffsets, prompt_lengths, {out.data(), 2, pooler.output_dim()});
  return out;
}

TEST(TokenPooler, EachModeByHand) {
  EXPECT_EQ(pool(config({PoolingMode::kCls})), (std::vector<float>{1, 10, 7, 70}));
  EXPECT_EQ(pool(config({PoolingMode::kLastToken})), (std::vector<float>{5, -50, 7, 70}));
  EXPECT_EQ(pool(config({PoolingMode::kMax})), (std::vector<float>{5, 30, 7, 70}));
  EXPECT_EQ(pool(config({PoolingMode::kMean})), (std::vector<float>{3, -10.0f / 3, 7, 70}));
  const auto sqrt_len = pool(config({PoolingMode::kMeanSqrtLen}));
  EXPECT_FLOAT_EQ(sqrt_len[0], 9 / std::sqrt(3.0f));
  EXPECT_FLOAT_EQ(sqrt_len[1], -10 / std::sqrt(3.0f));
  // Weights 1, 2, 3: (1 + 6 + 15) / 6 and (10 + 60 - 150) / 6.
  const auto weighted = pool(config({PoolingMode::kWeightedMean}));
  EXPECT_FLOAT_EQ(weighted[0], 22.0f / 6);
  EXPECT_FLOAT_EQ(weighted[1], -80.0f / 6);
}

TEST(TokenPooler, ModesConcatenate) {
  EXPECT_EQ(pool(config({PoolingMode::kCls, PoolingMode::kMax})), (std::vector<float>{1, 10, 5, 30, 7, 70, 7, 70}));
}

TEST(TokenPooler, PromptTokensLeftOutOnlyWhenIncludePromptIsFalse) {
  // A prompt of length 2 ([CLS] + one prompt token) in the first sequence.
  EXPECT_EQ(pool(config({PoolingMode::kMean}, true), {2, 0}), (std::vector<float>{3, -10.0f / 3, 7, 70}));
  EXPECT_EQ(pool(config({PoolingMode::kMean}, false), {2, 0}), (std::vector<float>{5, -50, 7, 70}));
  EXPECT_EQ(pool(config({PoolingMode::kMax}, false), {2, 0}), (std::vector<float>{5, -50, 7, 70}));
  // CLS is kept whatever the prompt.
  EXPECT_EQ(pool(config({PoolingMode::kCls}, false), {2, 0}), (std::vector<float>{1, 10, 7, 70}));
  // A prompt covering the whole sequence leaves nothing: mean pools to zeros, as
  // sentence-transformers' clamp(min=1e-9) does, and max to its -1e9 fill.
  EXPECT_EQ(pool(config({PoolingMode::kMean}, false), {5, 1}), (std::vector<float>{0, 0, 0, 0}));
  EXPECT_EQ(pool(config({PoolingMode::kMax}, false), {0, 1})[2], -1e9f);
}

TEST(Normalize, UnitLengthAndZeroStaysZero) {
  std::vector<float> x = {3, 4, 0, 0};
  molt::pooling::l2_normalize_rows({x.data(), 2, 2});
  EXPECT_EQ(x, (std::vector<float>{0.6f, 0.8f, 0, 0}));
}

TEST(Matryoshka, Recipes) {
  std::vector<float> full = {3, 4, 12, 0};
  std::vector<float> out(2);
  molt::pooling::MatryoshkaRecipe slice;  // a model that does not normalize: slice only
  auto in = full;
  molt::pooling::matryoshka_truncate(slice, {in.data(), 1, 4}, {out.data(), 1, 2});
  EXPECT_EQ(out, (std::vector<float>{3, 4}));
  molt::pooling::MatryoshkaRecipe renorm;
  renorm.renormalize = true;
  in = full;
  molt::pooling::matryoshka_truncate(renorm, {in.data(), 1, 4}, {out.data(), 1, 2});
  EXPECT_EQ(out, (std::vector<float>{0.6f, 0.8f}));
  // Layer norm first: mean 4.75, variance 23.6875 → (3 - 4.75) / σ, (4 - 4.75) / σ, then
  // normalized: the direction of (-1.75, -0.75).
  molt::pooling::MatryoshkaRecipe nomic{molt::model::MatryoshkaPreStep::kLayerNorm, true};
  in = full;
  molt::pooling::matryoshka_truncate(nomic, {in.data(), 1, 4}, {out.data(), 1, 2});
  const double n = std::sqrt(1.75 * 1.75 + 0.75 * 0.75);
  EXPECT_NEAR(out[0], -1.75 / n, 1e-6);
  EXPECT_NEAR(out[1], -0.75 / n, 1e-6);
}

TEST(SentenceHead, TheLayerNormRecipeNormalizesEvenWithoutANormalizeModule) {
  // nomic-embed-text-v1.5's published folder has no Normalize module; its card's Matryoshka
  // recipe ends with F.normalize all the same. The full-width vector stays as pooled.
  const molt::pooling::SentenceHead head(config({PoolingMode::kCls}), {}, molt::model::MatryoshkaPreStep::kLayerNorm);
  EXPECT_FALSE(head.normalizes());
  molt::tensor::Workspace ws;
  const molt::compute::Context ctx;
  const std::vector<float> states = {3, 4, 0, 0, 12, 5, 0, 0};
  const std::vector<std::uint32_t> offsets = {0, 2, 4};
  std::vector<float> full(4), cut(2);
  head.apply(ctx, {states.data(), 4, 2}, offsets, {}, ws, {full.data(), 2, 2});
  EXPECT_EQ(full, (std::vector<float>{3, 4, 12, 5}));
  head.apply(ctx, {states.data(), 4, 2}, offsets, {}, ws, {cut.data(), 2, 1});
  // Layer norm of (3, 4) is (-1, 1) and of (12, 5) is (1, -1) (up to eps); the first value
  // of each, normalized: -1 and 1 (without the normalization: about -0.999995).
  EXPECT_EQ(cut, (std::vector<float>{-1.0f, 1.0f}));
}

TEST(SentenceHead, PoolsNormalizesAndTruncates) {
  molt::model::HeadModule normalize;
  normalize.kind = molt::model::HeadModule::Kind::kNormalize;
  std::vector<molt::model::HeadModule> heads;
  heads.push_back(std::move(normalize));
  const molt::pooling::SentenceHead head(config({PoolingMode::kCls, PoolingMode::kMean}), heads,
                                         molt::model::MatryoshkaPreStep::kNone);
  EXPECT_EQ(head.output_dim(), 4u);
  EXPECT_TRUE(head.normalizes());
  EXPECT_EQ(head.describe(), "cls+mean -> Normalize");
  molt::tensor::Workspace ws;
  const molt::compute::Context ctx;
  std::vector<float> out(4);
  head.apply(ctx, {kStates.data(), 4, 2}, kOffsets, {}, ws, {out.data(), 2, 2});
  // Sequence 2: [7, 70, 7, 70] normalized, first two values renormalized: the direction (7, 70).
  const double n = std::sqrt(49.0 + 4900.0);
  EXPECT_NEAR(out[2], 7 / n, 1e-7);
  EXPECT_NEAR(out[3], 70 / n, 1e-7);
}

}  // namespace
