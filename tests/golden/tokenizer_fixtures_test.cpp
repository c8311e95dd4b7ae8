// Token ids against the reference (Hugging Face's slow BertTokenizer, transformers 4.40.2,
// through sentence-transformers 2.7.0): every line of fixtures/tokenizer/*.jsonl and the
// `ids` of every expected*.jsonl under fixtures/ (tiny models and full-size/*), exactly. The
// text preparation sentence-transformers applies before its tokenizer — prompt + text,
// str.strip(), str.lower() when sentence_bert_config.json has do_lower_case, truncation at
// max_seq_length — is reproduced here from each model's own configuration files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/tokenizer/tokenizer.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using tokenizer::EncodeOptions;
using tokenizer::Tokenizer;

std::vector<json> read_jsonl(const fs::path& file) {
  EXPECT_TRUE(fs::exists(file)) << file;
  return read_jsonl_file(file);
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

// sentence_bert_config.json: what sentence-transformers does to a text before tokenizing.
struct TextPolicy {
  std::size_t max_seq_length = 0;
  bool do_lower_case = false;
};

TextPolicy policy_of(const fs::path& model_dir) {
  const json config = read_json(model_dir / "sentence_bert_config.json");
  return {config.at("max_seq_length").get<std::size_t>(), config.value("do_lower_case", false)};
}

std::string prepare(const TextPolicy& policy, const std::string& text) {
  std::string s = tokenizer::python_strip(text);
  if (policy.do_lower_case) s = tokenizer::python_lower(s);
  return s;
}

std::vector<std::int32_t> ids_of(const json& line) { return line.at("ids").get<std::vector<std::int32_t>>(); }

// Every expected*.jsonl in `dir`, checked against `tok` with the folder's policy.
int check_expected_files(const fs::path& fixture_dir, const fs::path& model_dir, const Tokenizer& tok) {
  const TextPolicy policy = policy_of(model_dir);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fixture_dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("expected") || entry.path().extension() != ".jsonl") continue;
    ++files;
    int lines = 0;
    for (const json& line : read_jsonl(entry.path())) {
      const std::string text = line.value("prompt", std::string()) + line.at("text").get<std::string>();
      EncodeOptions options;
      options.max_length = policy.max_seq_length;
      const auto e = tok.encode(prepare(policy, text), options);
      EXPECT_EQ(e.ids, ids_of(line)) << entry.path() << " line id " << line.at("id");
      EXPECT_EQ(e.n_untruncated, line.at("n_tokens_untruncated").get<std::size_t>())
          << entry.path() << " line id " << line.at("id");
      ++lines;
    }
    EXPECT_GT(lines, 0) << entry.path();
  }
  return files;
}

TEST(TokenizerGolden, BertUncasedCases) {
  MOLT_REQUIRE_FIXTURE("tokenizer/bert-uncased-cases.jsonl");
  MOLT_REQUIRE_MODEL("all-MiniLM-L6-v2/tokenizer.json");
  const fs::path model = models_dir() / "all-MiniLM-L6-v2";
  // Both loaders of the same model must give the reference ids.
  const Tokenizer from_json = Tokenizer::load(model);
  const Tokenizer from_vocab = Tokenizer::from_vocab_txt(model);
  int n = 0;
  int truncated = 0;
  for (const json& line : read_jsonl(fixtures_dir() / "tokenizer" / "bert-uncased-cases.jsonl")) {
    const std::string text = line.at("text").get<std::string>();
    EncodeOptions options;
    options.max_length = line.at("max_length").get<std::size_t>();
    for (const Tokenizer* tok : {&from_json, &from_vocab}) {
      const auto e = tok->encode(text, options);
      EXPECT_EQ(e.ids, ids_of(line)) << "line id " << line.at("id") << " (" << tok->source() << ")";
      EXPECT_EQ(e.n_untruncated, line.at("n_tokens_untruncated").get<std::size_t>()) << "line id " << line.at("id");
    }
    truncated += line.at("n_tokens_untruncated").get<std::size_t>() > options.max_length ? 1 : 0;
    ++n;
  }
  EXPECT_EQ(n, 299);
  EXPECT_EQ(truncated, 3);
}

TEST(TokenizerGolden, TinyModelExpectedFiles) {
  for (const char* name : {"tiny-bert", "tiny-bert-cls", "tiny-bert-f16", "tiny-nomic-bert"}) {
    MOLT_REQUIRE_FIXTURE(name);
    const fs::path dir = fixtures_dir() / name;
    const Tokenizer from_json = Tokenizer::load(dir);
    const Tokenizer from_vocab = Tokenizer::from_vocab_txt(dir);
    EXPECT_GE(check_expected_files(dir, dir, from_json), 1) << name;
    EXPECT_GE(check_expected_files(dir, dir, from_vocab), 1) << name;
  }
}

TEST(TokenizerGolden, FullSizeExpectedFiles) {
  for (const char* name : {"all-MiniLM-L6-v2", "bge-small-en-v1.5", "bge-base-en-v1.5"}) {
    MOLT_REQUIRE_FIXTURE(fs::path("full-size") / name);
    MOLT_REQUIRE_GENERATED(name);
    const fs::path model = generated_models_dir() / name;
    EXPECT_GE(check_expected_files(fixtures_dir() / "full-size" / name, model, Tokenizer::load(model)), 1) << name;
  }
}

}  // namespace
}  // namespace molt::test
