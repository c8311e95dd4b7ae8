// Golden: the encoder against every expected*.jsonl of ../shared/fixtures — BERT models, and
// NomicBERT with its prompts and Matryoshka dimensions (computed by sentence-transformers 2.7 /
// transformers 4.40 / nomic-bert's remote code, REFERENCE.md), within cosine >= 0.99999 and
// max |Δ| <= 1e-5 on every line — from the reference token ids (the forward pass, pooling,
// normalization and Matryoshka on their own), and from the texts with the file's prompt
// (the model's own text preparation: prompt, strip, lower-casing, truncation, ids exact).
// The reduced precisions in their own bounds, against the same reference: bf16 cosine >=
// 0.999, int8 cosine >= 0.99 on every line (max |Δ| <= 0.1).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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

  // Every line of every expected file, embedded from its reference ids, or from its text,
  // within cosine >= min_cosine and max |Δ| <= max_abs of the reference.
  void check_all(const EncoderOptions& options, bool from_text = false,
                 double min_cosine = molt::test::kMinCosine, double max_abs = molt::test::kMaxAbsDiff) {
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
        EXPECT_GE(a.cosine, min_cosine) << "line " << i << " (id " << want.id << ")";
        EXPECT_LE(a.max_abs, max_abs) << "line " << i << " (id " << want.id << ")";
        worst_cosine = std::min(worst_cosine, a.cosine);
        worst_abs = std::max(worst_abs, a.max_abs);
      }
      std::printf("  %s %s %s: %zu lines, worst cosine %.9f, worst max |diff| %.3g\n", m.name.c_str(),
                  molt::runtime::precision_name(options.precision), file.path.filename().c_str(), out.n,
                  worst_cosine, worst_abs);
    }
  }
};

TEST_P(BertGolden, MatchesReferenceFromTokenIds) { check_all({}); }

TEST_P(BertGolden, MatchesReferenceFromTexts) { check_all({}, /*from_text=*/true); }

// The cosine is the bound that matters for retrieval; single values of the tiny models move
// by up to 0.07 in int8 (0.025 in bf16), so max |Δ| gets a loose bound of 0.1.
TEST_P(BertGolden, Bf16MatchesReferenceWithinItsBound) {
  EncoderOptions options;
  options.precision = molt::runtime::Precision::kBF16;
  check_all(options, /*from_text=*/false, 0.999, 0.1);
}

TEST_P(BertGolden, Int8MatchesReferenceWithinItsBound) {
  EncoderOptions options;
  options.precision = molt::runtime::Precision::kInt8;
  check_all(options, /*from_text=*/false, 0.99, 0.1);
}


TEST_P(BertGolden, InfoStatesTheModelsFacts) {
  const FixtureModel& m = GetParam();
  const Encoder encoder = Encoder::load(m.model_dir);
  const auto files = molt::test::read_expected_files(m);
  ASSERT_FALSE(files.empty());
  const auto& info = encoder.info();
  EXPECT_EQ(info.architecture, m.architecture);
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

INSTANTIATE_TEST_SUITE_P(Fixtures, BertGolden, ::testing::ValuesIn(molt::test::embedding_fixture_models()),
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
  for (const auto& m : molt::test::embedding_fixture_models()) {
    if (!m.generated) out.push_back(m);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BertGoldenReferenceKernels, ::testing::ValuesIn(tiny_models()), model_name);

// nomic-embed-text-v1.5's card ends its Matryoshka recipe with F.normalize whatever the
// folder's modules (the published folder has no Normalize module): tiny-nomic-bert without its
// Normalize module still gives every Matryoshka golden, since the layer norm is blind to the
// vector's scale, while its full-width vectors stay as pooled.
TEST(NomicMatryoshka, WithoutANormalizeModuleEveryDimensionStillMatches) {
  MOLT_REQUIRE_FIXTURE("tiny-nomic-bert");
  namespace fs = std::filesystem;
  const auto models = molt::test::embedding_fixture_models();
  const auto nomic =
      std::find_if(models.begin(), models.end(), [](const FixtureModel& m) { return m.name == "tiny-nomic-bert"; });
  ASSERT_NE(nomic, models.end());
  const molt::test::TempDir tmp;
  const fs::path dir = tmp / "nomic-without-normalize";
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(nomic->model_dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "modules.json" || name.starts_with("expected")) continue;
    fs::create_symlink(fs::absolute(entry.path()), dir / name);
  }
  std::ofstream(dir / "modules.json")
      << R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},)"
      << R"( {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])";
  const Encoder encoder = Encoder::load(dir);
  ASSERT_FALSE(encoder.info().normalizes);
  std::size_t dims = 0;
  for (const auto& file : molt::test::read_expected_files(*nomic)) {
    SCOPED_TRACE(file.path.filename().string());
    std::vector<std::string> texts;
    for (const auto& line : file.lines) texts.push_back(line.text);
    EmbedOptions eo;
    eo.dim = file.dim;
    eo.prompt_name = file.prompt_name;
    const auto out = encoder.embed(texts, eo);
    ASSERT_EQ(out.n, file.lines.size());
    double worst_cosine = 1.0, worst_abs = 0.0;
    for (std::size_t i = 0; i < out.n; ++i) {
      const auto a = molt::test::compare_vectors(out.row(i), file.lines[i].embedding);
      EXPECT_GE(a.cosine, molt::test::kMinCosine) << "line " << i;
      double norm = 0;
      for (float x : out.row(i)) norm += double(x) * x;
      if (file.dim == 0) {
        EXPECT_GT(std::abs(std::sqrt(norm) - 1.0), 1e-3) << "line " << i << ": normalized without a Normalize module";
        continue;
      }
      EXPECT_LE(a.max_abs, molt::test::kMaxAbsDiff) << "line " << i;
      EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-6) << "line " << i;
      worst_cosine = std::min(worst_cosine, a.cosine);
      worst_abs = std::max(worst_abs, a.max_abs);
    }
    if (file.dim != 0) {
      ++dims;
      std::printf("  tiny-nomic-bert without Normalize, %s: worst cosine %.9f, worst max |diff| %.3g\n",
                  file.path.filename().c_str(), worst_cosine, worst_abs);
    }
  }
  EXPECT_GE(dims, 3u);
}

}  // namespace
