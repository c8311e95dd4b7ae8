// Golden: the encoder against every BERT expected*.jsonl of ../shared/fixtures (computed by
// sentence-transformers 2.7 / transformers 4.40, REFERENCE.md), within cosine >= 0.99999 and
// max |Δ| <= 1e-5 on every line — from the reference token ids (the forward pass, pooling,
// normalization and Matryoshka on their own), and from the texts with the file's prompt
// (the model's own text preparation: prompt, strip, lower-casing, truncation, ids exact).
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

  // Every line of every expected file, embedded from its reference ids, or from its text.
  void check_all(const EncoderOptions& options, bool from_text = false) {
    const FixtureModel& m = GetParam();
    const Encoder encoder = Encoder::load(m.model_dir, options);
    const auto files = molt::test::read_expected_files(m);
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
      SCOPED_TRACE(file.path.string());
      std::vector<std::vector<std::int32_t>> ids;
      std::vector<std::string> texts;
      for (const auto& line : file.lines) {
        ids.push_back(line.ids);
        texts.push_back(line.text);
      }
      EmbedOptions eo;
      eo.dim = file.dim;
      if (from_text) eo.prompt_name = file.prompt_name;
      const auto out = from_text ? encoder.embed(texts, eo) : encoder.embed_tokens(ids, eo);
      if (from_text) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          EXPECT_EQ(encoder.tokenize(texts[i], eo).ids, ids[i]) << "line " << i;
        }
      }
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

TEST_P(BertGolden, MatchesReferenceFromTexts) { check_all({}, /*from_text=*/true); }


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

// The scalar reference kernels (the oracle of every fast kernel) on the tiny models: too slow
// for the full-size ones.
class BertGoldenReferenceKernels : public BertGolden {};

TEST_P(BertGoldenReferenceKernels, MatchesReferenceFromTokenIds) {
  EncoderOptions options;
  options.reference_kernels = true;
  check_all(options);
}

std::vector<FixtureModel> tiny_models() {
  std::vector<FixtureModel> out;
  for (const auto& m : molt::test::bert_fixture_models()) {
    if (!m.generated) out.push_back(m);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BertGoldenReferenceKernels, ::testing::ValuesIn(tiny_models()), model_name);

}  // namespace
