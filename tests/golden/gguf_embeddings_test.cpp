// Golden: every GGUF file of ../shared/fixtures/gguf (llama.cpp's converter run on the tiny
// safetensors fixtures) against its twin's reference outputs (sentence-transformers,
// REFERENCE.md): token ids exact, cosine >= 0.99999 for F32 files and >= 0.999 for F16 and
// Q8_0 ones, on every input the twin did not truncate.
//  - The file alone, with molt's documented defaults for what GGUF does not record (L2
//    normalization, max_seq_length = context_length, no sentence-transformers lower-casing).
//    The one input where those defaults and the twin's folder disagree on the ids — a literal
//    "[SEP]" that bge-style do_lower_case makes ordinary text — is pinned as such.
//  - The file in a folder with its twin's sentence-transformers files (modules.json,
//    1_Pooling/, sentence_bert_config.json, config_sentence_transformers.json): then every
//    expected*.jsonl, prompts and Matryoshka dimensions included, on every input, and F32
//    files also within the max |Δ| <= 1e-5 of the safetensors goldens.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/runtime/encoder.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using runtime::EmbedOptions;
using runtime::Encoder;

struct Worst {
  double cosine = 1.0;
  double max_abs = 0.0;
  std::size_t lines = 0;
};

// Embeds `lines` from their texts (with `options`) and from their reference ids; checks both
// against the goldens.
Worst check_lines(const Encoder& encoder, const std::vector<ExpectedEmbedding>& lines, const EmbedOptions& options,
                  double min_cosine, std::optional<double> max_abs) {
  std::vector<std::string> texts;
  std::vector<std::vector<std::int32_t>> ids;
  for (const auto& line : lines) {
    texts.push_back(line.text);
    ids.push_back(line.ids);
  }
  EmbedOptions no_prompt = options;
  no_prompt.prompt_name.clear();
  const auto from_text = encoder.embed(texts, options);
  const auto from_ids = encoder.embed_tokens(ids, no_prompt);
  Worst worst;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& want = lines[i];
    EXPECT_EQ(encoder.tokenize(want.text, options).ids, want.ids) << "line " << want.id;
    for (const auto* got : {&from_text, &from_ids}) {
      const Agreement a = compare_vectors(got->row(i), want.embedding);
      EXPECT_GE(a.cosine, min_cosine) << "line " << want.id;
      if (max_abs) {
        EXPECT_LE(a.max_abs, *max_abs) << "line " << want.id;
      }
      worst.cosine = std::min(worst.cosine, a.cosine);
      worst.max_abs = std::max(worst.max_abs, a.max_abs);
    }
  }
  worst.lines = lines.size();
  return worst;
}

TEST(GgufGolden, EveryFileAloneMatchesItsTwinWithMoltsDefaults) {
  MOLT_REQUIRE_FIXTURE("gguf");
  const auto twins = gguf_twins();
  ASSERT_EQ(twins.size(), 12u);
  for (const GgufTwin& twin : twins) {
    SCOPED_TRACE(twin.gguf.filename().string());
    const Encoder encoder = Encoder::load(twin.gguf);
    const auto& info = encoder.info();
    EXPECT_EQ(info.format, "gguf");
    EXPECT_EQ(info.architecture, twin.model.architecture);
    EXPECT_TRUE(info.normalizes);  // the default where the file is silent
    EXPECT_FALSE(info.do_lower_case);
    EXPECT_FALSE(info.sentence_transformers);
    EXPECT_EQ(info.max_seq_length, twin.model.architecture == "bert" ? (twin.model.name == "tiny-bert" ? 128u : 64u) : 2048u);
    EXPECT_EQ(info.matryoshka_pre_step, twin.model.architecture == "nomic_bert" ? model::MatryoshkaPreStep::kLayerNorm
                                                                             : model::MatryoshkaPreStep::kNone);

    const ExpectedFile file = read_expected_file(twin.model, twin.model.fixture_dir / "expected.jsonl");
    std::vector<ExpectedEmbedding> same;
    for (const auto& line : file.lines) {
      if (line.truncated()) continue;  // the twin cut it at its max_seq_length; the file does not record that
      if (twin.alone_differs(line)) {  // do_lower_case, which the file does not record either
        EXPECT_NE(encoder.tokenize(line.text).ids, line.ids) << "line " << line.id << " (documented difference)";
        // The forward pass itself still agrees on the reference ids.
        const auto e = encoder.embed_tokens(std::vector<std::vector<std::int32_t>>{line.ids});
        EXPECT_GE(compare_vectors(e.row(0), line.embedding).cosine, twin.min_cosine()) << "line " << line.id;
        continue;
      }
      same.push_back(line);
    }
    ASSERT_GE(same.size(), 40u);
    const Worst w = check_lines(encoder, same, {}, twin.min_cosine(), std::nullopt);
    std::printf("  %s alone: %zu lines, worst cosine %.9f (bound %.5f)\n", twin.gguf.filename().c_str(), w.lines,
                w.cosine, twin.min_cosine());
  }
}

// A folder holding the .gguf file (linked) and the twin's sentence-transformers files.
fs::path folder_beside(const GgufTwin& twin, const fs::path& dir) {
  fs::create_directories(dir);
  fs::create_symlink(fs::absolute(twin.gguf), dir / twin.gguf.filename());
  for (const char* name : {"modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"}) {
    if (fs::exists(twin.model.model_dir / name)) fs::copy_file(twin.model.model_dir / name, dir / name);
  }
  fs::copy(twin.model.model_dir / "1_Pooling", dir / "1_Pooling");
  return dir / twin.gguf.filename();
}

TEST(GgufGolden, EveryFileWithItsTwinsSentenceTransformersFilesMatchesEveryGolden) {
  MOLT_REQUIRE_FIXTURE("gguf");
  TempDir tmp;
  const auto twins = gguf_twins();
  ASSERT_EQ(twins.size(), 12u);
  for (const GgufTwin& twin : twins) {
    SCOPED_TRACE(twin.gguf.filename().string());
    const fs::path gguf = folder_beside(twin, tmp / twin.gguf.stem().string());
    const Encoder encoder = Encoder::load(gguf);
    const Encoder safetensors = Encoder::load(twin.model.model_dir);
    const auto& info = encoder.info();
    EXPECT_TRUE(info.sentence_transformers);
    EXPECT_EQ(info.normalizes, safetensors.info().normalizes);
    EXPECT_EQ(info.do_lower_case, safetensors.info().do_lower_case);
    EXPECT_EQ(info.max_seq_length, safetensors.info().max_seq_length);
    EXPECT_EQ(info.prompts, safetensors.info().prompts);
    EXPECT_EQ(info.pooling, safetensors.info().pooling);
    // F32 files hold the twin's weights exactly: the safetensors bounds hold too.
    const std::optional<double> max_abs = twin.type == "f32" ? std::optional<double>(kMaxAbsDiff) : std::nullopt;
    for (const ExpectedFile& file : read_expected_files(twin.model)) {
      SCOPED_TRACE(file.path.filename().string());
      EmbedOptions options;
      options.prompt_name = file.prompt_name;
      options.dim = file.dim;
      const Worst w = check_lines(encoder, file.lines, options, twin.min_cosine(), max_abs);
      std::printf("  %s + folder, %s: %zu lines, worst cosine %.9f, max |diff| %.3g\n", twin.gguf.filename().c_str(),
                  file.path.filename().c_str(), w.lines, w.cosine, w.max_abs);
    }
  }
}

TEST(GgufGolden, APoolingModuleThatContradictsTheFileIsRefused) {
  MOLT_REQUIRE_FIXTURE("gguf");
  TempDir tmp;
  const auto twins = gguf_twins();
  const auto it = std::find_if(twins.begin(), twins.end(), [](const GgufTwin& t) { return t.model.name == "tiny-bert"; });
  ASSERT_NE(it, twins.end());
  const fs::path gguf = folder_beside(*it, tmp / "contradiction");
  // tiny-bert pools by mean (pooling_type 1); a CLS Pooling module beside it contradicts that.
  fs::remove(gguf.parent_path() / "1_Pooling" / "config.json");
  std::FILE* f = std::fopen((gguf.parent_path() / "1_Pooling" / "config.json").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"({"word_embedding_dimension": 16, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false})", f);
  std::fclose(f);
  try {
    (void)Encoder::load(gguf);
    FAIL() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(e.message().find("bert.pooling_type"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("disagrees"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace molt::test
