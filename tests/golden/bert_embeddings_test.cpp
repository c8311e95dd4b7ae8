// Golden: the encoder against every BERT expected*.jsonl of ../shared/fixtures (computed by
// sentence-transformers 2.7 / transformers 4.40, REFERENCE.md), within cosine >= 0.99999 and
// max |Δ| <= 1e-5 on every line. These tests feed the reference token ids, so they check the
// forward pass, pooling, normalization and Matryoshka independently of the tokenizer.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/runtime/encoder.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/test_env.h"

namespace {

using molt::runtime::EmbedOptions;
using molt::runtime::Encoder;
using molt::runtime::EncoderOptions;
using molt::test::FixtureModel;

class BertGolden : public ::testing::TestWithParam<FixtureModel> {
 protected:
  void SetUp() override {
    const FixtureModel& m = GetParam();
    MOLT_REQUIRE_FIXTURE(m.fixture_dir.lexically_relative(molt::test::fixtures_dir()));
    if (m.generated) {
      MOLT_REQUIRE_GENERATED(m.model_dir.filename().string());
    }
  }

  // Every line of every expected file, embedded from its reference ids.
  void check_all(const EncoderOptions& options) {
    const FixtureModel& m = GetParam();
    const Encoder encoder = Encoder::load(m.model_dir, options);
    const auto files = molt::test::read_expected_files(m);
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
      SCOPED_TRACE(file.path.string());
      std::vector<std::vector<std::int32_t>> ids;
      for (const auto& line : file.lines) ids.push_back(line.ids);
      EmbedOptions eo;
      eo.dim = file.dim;
      const auto out = encoder.embed_tokens(ids, eo);
      ASSERT_EQ(out.n, file.lines.size());
      double worst_cosine = 1.0, worst_abs = 0.0;
      for (std::size_t i = 0; i < out.n; ++i) {
        const auto& want = file.lines[i];
        ASSERT_EQ(out.dim, want.embedding.size()) << "line " << i;
        EXPECT_EQ(out.n_tokens[i], want.ids.size());
        const auto a = molt::test::compare_vectors(out.row(i), want.embedding);
        EXPECT_GE(a.cosine, molt::test::kMinCosine) << "line " << i << " (id " << want.id << ")";
        EXPECT_LE(a.max_abs, molt::test::kMaxAbsDiff) << "line " << i << " (id " << want.id << ")";
        worst_cosine = std::min(worst_cosine, a.cosine);
        worst_abs = std::max(worst_abs, a.max_abs);
      }
      std::printf("  %s %s: %zu lines, worst cosine %.9f, worst max |diff| %.3g\n", m.name.c_str(),
                  file.path.filename().c_str(), out.n, worst_cosine, worst_abs);
    }
  }
};

TEST_P(BertGolden, MatchesReferenceFromTokenIds) { check_all({}); }

TEST_P(BertGolden, ReferenceKernelsMatchReferenceToo) {
  if (GetParam().generated) GTEST_SKIP() << "the scalar kernels are too slow for full-size models";
  EncoderOptions options;
  options.reference_kernels = true;
  check_all(options);
}

TEST_P(BertGolden, InfoStatesTheModelsFacts) {
  const FixtureModel& m = GetParam();
  const Encoder encoder = Encoder::load(m.model_dir);
  const auto files = molt::test::read_expected_files(m);
  ASSERT_FALSE(files.empty());
  const auto& info = encoder.info();
  EXPECT_EQ(info.architecture, "bert");
  for (const auto& file : files) {
    if (file.dim == 0) {
      EXPECT_EQ(info.dim, file.lines.front().embedding.size()) << file.path;
    }
  }
  EXPECT_EQ(info.identity.hash.size(), 32u);
  EXPECT_TRUE(info.sentence_transformers);
}

std::string model_name(const ::testing::TestParamInfo<FixtureModel>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BertGolden, ::testing::ValuesIn(molt::test::bert_fixture_models()),
                         model_name);

}  // namespace
