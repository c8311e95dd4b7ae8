// The tokenizer read from GGUF vocabularies:
//  - every GGUF twin of the tiny fixtures gives the reference ids of its safetensors folder
//    (expected.jsonl, with that folder's text preparation and max_seq_length);
//  - its vocabulary, back from phantom-space form, is the folder's vocab.txt;
//  - llama.cpp's own ids (<model>-<type>.llamacpp*.jsonl, raw text, no truncation) differ
//    from molt's exactly on the lines fixtures/gguf/README.md lists, where llama.cpp's
//    WordPiece departs from Hugging Face's;
//  - llama.cpp's ggml-vocab-bert-bge test strings give the ids of its .out file (made with
//    Hugging Face's tokenizer, no special tokens).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "molt/formats/gguf.h"
#include "molt/tokenizer/tokenizer.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using tokenizer::EncodeOptions;
using tokenizer::Tokenizer;

std::vector<json> read_gguf_jsonl(const fs::path& file) {
  EXPECT_TRUE(fs::exists(file)) << file;
  return read_jsonl_file(file);
}

struct Twin {
  const char* model;
  const char* llamacpp_suffix;      // the llama.cpp run with the right [CLS] id
  std::set<int> llamacpp_differs;   // lines (ids) where llama.cpp's WordPiece differs from HF's
};

// fixtures/gguf/README.md: Hangul not decomposed (10), combining marks kept (30, 37), no
// [UNK] for a word over 100 characters (17). (Its fourth cause, line 24, is sentence-
// transformers lower-casing a literal [SEP] before tokenizing: a text-preparation difference
// that the raw text given to both here does not show.)
const Twin kTwins[] = {
    {"tiny-bert", ".llamacpp.jsonl", {10, 17, 30, 37}},
    {"tiny-bert-cls", ".llamacpp-cls.jsonl", {10, 17, 30, 37}},
    {"tiny-bert-f16", ".llamacpp-cls.jsonl", {10, 17, 30, 37}},
    {"tiny-nomic-bert", ".llamacpp-cls.jsonl", {10, 17, 30, 37}},
};

std::vector<std::string> vocab_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(TokenizerGguf, TwinsMatchTheReferenceAndLlamaCpp) {
  MOLT_REQUIRE_FIXTURE("gguf");
  int files = 0;
  for (const Twin& twin : kTwins) {
    const fs::path folder = fixtures_dir() / twin.model;
    const json st = json::parse(read_file(folder / "sentence_bert_config.json"));
    const auto max_seq_length = st.at("max_seq_length").get<std::size_t>();
    const bool lower = st.value("do_lower_case", false);
    const std::vector<std::string> vocab = vocab_lines(folder / "vocab.txt");
    const std::vector<json> expected = read_gguf_jsonl(folder / "expected.jsonl");
    for (const char* type : {"f32", "f16", "q8_0"}) {
      const std::string stem = std::string(twin.model) + "-" + type;
      const fs::path gguf_path = fixtures_dir() / "gguf" / (stem + ".gguf");
      SCOPED_TRACE(gguf_path.string());
      const formats::GgufFile gguf(gguf_path);
      const Tokenizer tok = Tokenizer::from_gguf(gguf);
      ++files;

      // The vocabulary is the folder's, [PAD<i>] padding entries (nomic) after it.
      ASSERT_GE(tok.vocab_size(), vocab.size());
      for (std::size_t id = 0; id < vocab.size(); ++id) {
        ASSERT_EQ(tok.id_to_token(static_cast<std::int32_t>(id)), vocab[id]) << "id " << id;
      }
      EXPECT_EQ(tok.cls_id(), *tok.token_to_id("[CLS]"));
      EXPECT_EQ(tok.sep_id(), *tok.token_to_id("[SEP]"));
      EXPECT_TRUE(tok.normalizer_options().lowercase);  // an uncased vocabulary

      // The reference ids, with sentence-transformers' text preparation.
      for (const json& line : expected) {
        std::string text = tokenizer::python_strip(line.at("text").get<std::string>());
        if (lower) text = tokenizer::python_lower(text);
        EncodeOptions options;
        options.max_length = max_seq_length;
        EXPECT_EQ(tok.encode(text, options).ids, line.at("ids").get<std::vector<std::int32_t>>())
            << "line " << line.at("id");
      }

      // llama.cpp's ids on the raw text, untruncated: equal except on the documented lines.
      std::set<int> differs;
      for (const json& line : read_gguf_jsonl(fixtures_dir() / "gguf" / (stem + twin.llamacpp_suffix))) {
        const auto ours = tok.encode(line.at("text").get<std::string>()).ids;
        if (ours != line.at("ids").get<std::vector<std::int32_t>>()) differs.insert(line.at("id").get<int>());
      }
      EXPECT_EQ(differs, twin.llamacpp_differs);
    }
  }
  EXPECT_EQ(files, 12);
}

// llama.cpp's tokenizer test data for bge-small-en-v1.5's vocabulary: strings separated by
// "\n__ggml_vocab_test__\n", one line of expected ids (no [CLS]/[SEP]) per string.
TEST(TokenizerGguf, LlamaCppBertBgeVocabTest) {
  MOLT_REQUIRE_MODEL("ggml-vocab-bert-bge/ggml-vocab-bert-bge.gguf");
  const fs::path dir = models_dir() / "ggml-vocab-bert-bge";
  const formats::GgufFile gguf(dir / "ggml-vocab-bert-bge.gguf");
  const Tokenizer tok = Tokenizer::from_gguf(gguf);
  EXPECT_EQ(tok.vocab_size(), 30522u);
  EXPECT_EQ(tok.cls_id(), 101);
  EXPECT_EQ(tok.sep_id(), 102);
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_EQ(tok.unk_id(), 100);

  const std::string inp = read_file(dir / "ggml-vocab-bert-bge.gguf.inp");
  const std::string out = read_file(dir / "ggml-vocab-bert-bge.gguf.out");
  const std::string separator = "\n__ggml_vocab_test__\n";
  std::vector<std::string> texts;
  for (std::size_t start = 0; start < inp.size();) {
    const std::size_t end = inp.find(separator, start);
    ASSERT_NE(end, std::string::npos);
    texts.push_back(inp.substr(start, end - start));
    start = end + separator.size();
  }
  std::vector<std::vector<std::int32_t>> expected;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::vector<std::int32_t> ids;
    std::size_t pos = start;
    while (pos < end) {
      while (pos < end && out[pos] == ' ') ++pos;
      if (pos == end) break;
      std::size_t used = 0;
      ids.push_back(std::stoi(out.substr(pos, end - pos), &used));
      pos += used;
    }
    expected.push_back(ids);
    start = end + 1;
  }
  ASSERT_EQ(texts.size(), 46u);
  ASSERT_EQ(expected.size(), texts.size());
  EncodeOptions options;
  options.add_special_tokens = false;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(tok.encode(texts[i], options).ids, expected[i]) << "string " << i << ": " << texts[i];
  }
}

}  // namespace
}  // namespace molt::test
