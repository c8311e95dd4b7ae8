// Golden: every GGUF file of ../shared/fixtures/gguf, alone, against llama.cpp's own outputs on
// it (llama-tokenize, llama-embedding; fixtures/gguf/README.md) — the `-cls` run where the file
// lacks the [CLS] id, since molt finds [CLS] among the tokens as that run was told to.
//  - Token ids equal llama.cpp's, except on the lines where the README documents llama.cpp's
//    WordPiece departing from Hugging Face's (molt follows the reference there): those are
//    pinned as different, so a change on either side shows.
//  - Vectors, compared as unit vectors (llama.cpp L2-normalizes only when the twin's folder
//    has Normalize, molt by default), within bounds set by what llama.cpp computes differently:
//    nomic-bert F32 is exact on both sides (SiLU), so the goldens' bounds hold; bert uses
//    ggml's tanh GELU from an fp16 table against molt's exact erf; F16 and Q8_0 matrices make
//    ggml round the activations to F16 or quantize them to Q8_0, where molt widens the weights
//    and multiplies in float32.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/runtime/encoder.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using runtime::Encoder;

// README: Hangul not decomposed (10), no [UNK] for a word over 100 characters (17), combining
// marks not stripped (30, 37).
const std::set<std::int64_t> kLlamaCppTokenizerDiffers = {10, 17, 30, 37};

struct Bounds {
  double min_cosine;
  std::optional<double> max_abs;  // on unit vectors
};

Bounds bounds_for(const GgufTwin& twin) {
  if (twin.type != "f32") return {0.999, std::nullopt};
  if (twin.model.architecture == "nomic_bert") return {kMinCosine, kMaxAbsDiff};
  return {0.9999, 1e-3};  // GELU: the README measures 1.2e-3 raw, |x| up to ~2, for llama.cpp vs the goldens
}

std::vector<float> unit(std::vector<float> v) {
  double norm = 0;
  for (float x : v) norm += double(x) * x;
  norm = std::sqrt(norm);
  for (float& x : v) x = static_cast<float>(x / norm);
  return v;
}

fs::path llamacpp_outputs(const GgufTwin& twin) {
  const fs::path dir = twin.gguf.parent_path();
  const std::string stem = twin.gguf.stem().string();
  const fs::path cls = dir / (stem + ".llamacpp-cls.jsonl");
  return fs::exists(cls) ? cls : dir / (stem + ".llamacpp.jsonl");
}

TEST(GgufLlamaCpp, EveryFileAloneGivesLlamaCppsIdsAndVectors) {
  MOLT_REQUIRE_FIXTURE("gguf");
  const auto twins = gguf_twins();
  ASSERT_EQ(twins.size(), 12u);
  for (const GgufTwin& twin : twins) {
    const fs::path reference = llamacpp_outputs(twin);
    SCOPED_TRACE(reference.filename().string());
    const Encoder encoder = Encoder::load(twin.gguf);
    const Bounds bounds = bounds_for(twin);
    std::vector<nlohmann::json> lines;
    for (const auto& line : read_jsonl_file(reference)) {
      if (!line.at("embedding").is_null()) lines.push_back(line);  // null: the twin truncated it
    }
    ASSERT_GE(lines.size(), 40u);
    std::vector<std::string> texts;
    for (const auto& line : lines) texts.push_back(line.at("text").get<std::string>());
    const auto out = encoder.embed(texts);
    ASSERT_EQ(out.n, lines.size());
    std::size_t compared = 0;
    double worst_cosine = 1.0, worst_abs = 0.0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto id = lines[i].at("id").get<std::int64_t>();
      const auto want_ids = lines[i].at("ids").get<std::vector<std::int32_t>>();
      const auto got_ids = encoder.tokenize(texts[i]).ids;
      if (kLlamaCppTokenizerDiffers.contains(id)) {
        EXPECT_NE(got_ids, want_ids) << "line " << id << " (documented difference)";
        continue;
      }
      EXPECT_EQ(got_ids, want_ids) << "line " << id;
      const auto got = unit({out.row(i).begin(), out.row(i).end()});
      const auto want = unit(lines[i].at("embedding").get<std::vector<float>>());
      const Agreement a = compare_vectors(got, want);
      EXPECT_GE(a.cosine, bounds.min_cosine) << "line " << id;
      if (bounds.max_abs) {
        EXPECT_LE(a.max_abs, *bounds.max_abs) << "line " << id;
      }
      worst_cosine = std::min(worst_cosine, a.cosine);
      worst_abs = std::max(worst_abs, a.max_abs);
      ++compared;
    }
    EXPECT_GE(compared, 37u);
    std::printf("  %s: %zu lines, worst cosine %.9f (bound %.5f), worst max |diff| %.3g\n",
                reference.filename().c_str(), compared, worst_cosine, bounds.min_cosine, worst_abs);
  }
}

}  // namespace
}  // namespace molt::test
