// `molt tokenize` end to end: the reference ids for the real all-MiniLM-L6-v2 tokenizer (a
// folder without weights), the tiny fixtures (with their do_lower_case) and a GGUF file;
// --max-length; and exit status 2 with the file and the problem named for missing or
// corrupt tokenizer files and bad input.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(json::parse(text.substr(start, end - start)));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

// The fixture's lines as tokenize input: {"id", "text"} only.
std::string input_of(const fs::path& jsonl) {
  std::ifstream in(jsonl);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    out += json{{"id", j.at("id")}, {"text", j.at("text")}}.dump() + "\n";
  }
  return out;
}

void expect_reference_ids(const std::vector<std::string>& args, const fs::path& expected_file) {
  const ProcessResult r = run_molt(args, {.stdin_data = input_of(expected_file)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> got = parse_lines(r.out);
  std::ifstream in(expected_file);
  std::string line;
  std::size_t i = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json want = json::parse(line);
    ASSERT_LT(i, got.size());
    EXPECT_EQ(got[i].at("id"), want.at("id"));
    EXPECT_EQ(got[i].at("ids"), want.at("ids")) << expected_file << " line " << want.at("id");
    EXPECT_EQ(got[i].at("tokens").size(), got[i].at("ids").size());
    ++i;
  }
  EXPECT_EQ(i, got.size());
  EXPECT_GT(i, 0u);
}

TEST(TokenizeCli, RealMiniLmTokenizerWithoutWeights) {
  MOLT_REQUIRE_MODEL("all-MiniLM-L6-v2/tokenizer.json");
  MOLT_REQUIRE_FIXTURE("tokenizer/bert-uncased-cases.jsonl");
  expect_reference_ids({"tokenize", "--model", (models_dir() / "all-MiniLM-L6-v2").string()},
                       fixtures_dir() / "tokenizer" / "bert-uncased-cases.jsonl");
}

TEST(TokenizeCli, TinyModelsWithTheirTextPreparation) {
  for (const char* name : {"tiny-bert", "tiny-bert-cls", "tiny-nomic-bert"}) {
    MOLT_REQUIRE_FIXTURE(name);
    expect_reference_ids({"tokenize", "--model", (fixtures_dir() / name).string()},
                         fixtures_dir() / name / "expected.jsonl");
  }
}

TEST(TokenizeCli, GgufFile) {
  MOLT_REQUIRE_FIXTURE("gguf/tiny-bert-q8_0.gguf");
  // tiny-bert does not lower-case; its max_seq_length (100) is not in the GGUF file.
  expect_reference_ids({"tokenize", "--model", (fixtures_dir() / "gguf" / "tiny-bert-q8_0.gguf").string(),
                        "--max-length", "100"},
                       fixtures_dir() / "tiny-bert" / "expected.jsonl");
}

TEST(TokenizeCli, MaxLengthAndOutputFile) {
  MOLT_REQUIRE_MODEL("all-MiniLM-L6-v2/tokenizer.json");
  TempDir tmp;
  const ProcessResult r = run_molt({"tokenize", "--model", (models_dir() / "all-MiniLM-L6-v2").string(),
                                    "--max-length", "4", "--output", (tmp / "out.jsonl").string()},
                                   {.stdin_data = "{\"text\": \"Hello, world! Again\"}\n\n{\"text\": \"hi\", \"id\": 3}\n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::vector<json> lines = parse_lines(read_file(tmp / "out.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].contains("id"));
  EXPECT_EQ(lines[0]["ids"], json({101, 7592, 1010, 102}));
  EXPECT_EQ(lines[0]["tokens"], json({"[CLS]", "hello", ",", "[SEP]"}));
  EXPECT_EQ(lines[1]["id"], 3);
  EXPECT_EQ(lines[1]["ids"], json({101, 7632, 102}));

  const ProcessResult small = run_molt({"tokenize", "--model", (models_dir() / "all-MiniLM-L6-v2").string(),
                                        "--max-length", "1"},
                                       {.stdin_data = "{\"text\": \"hi\"}\n"});
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_NE(small.err.find("special tokens"), std::string::npos) << small.err;
}

// A copy of the MiniLM folder's tokenizer files, to break one at a time.
fs::path copy_model(const TempDir& tmp) {
  const fs::path dir = tmp / "model";
  fs::create_directories(dir);
  for (const char* f : {"config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                        "special_tokens_map.json", "sentence_bert_config.json"}) {
    fs::copy_file(models_dir() / "all-MiniLM-L6-v2" / f, dir / f);
  }
  return dir;
}

ProcessResult tokenize_hi(const fs::path& model) {
  return run_molt({"tokenize", "--model", model.string()}, {.stdin_data = "{\"text\": \"hi\"}\n"});
}

TEST(TokenizeCli, MissingOrCorruptTokenizerFilesExitTwo) {
  MOLT_REQUIRE_MODEL("all-MiniLM-L6-v2/tokenizer.json");
  TempDir tmp;
  const fs::path dir = copy_model(tmp);
  ASSERT_EQ(tokenize_hi(dir).exit_code, 0);

  // vocab.txt alone is a tokenizer too.
  fs::remove(dir / "tokenizer.json");
  ProcessResult r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_lines(r.out).at(0)["ids"], json({101, 7632, 102}));

  fs::remove(dir / "vocab.txt");
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("neither tokenizer.json nor vocab.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(dir.string()), std::string::npos) << r.err;

  write_file_atomic(dir / "vocab.txt", "[PAD]\n[UNK]\n\xff\n");
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("vocab.txt, line 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not valid UTF-8"), std::string::npos) << r.err;

  const std::string good = read_file(models_dir() / "all-MiniLM-L6-v2" / "tokenizer.json");
  write_file_atomic(dir / "tokenizer.json", good.substr(0, 5000));
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tokenizer.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;

  json j = json::parse(good);
  j["model"]["type"] = "BPE";
  write_file_atomic(dir / "tokenizer.json", j.dump());
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tokenizer model BPE is not supported"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("field model.type"), std::string::npos) << r.err;

  j = json::parse(good);
  j["normalizer"]["lowercase"] = "yes";
  write_file_atomic(dir / "tokenizer.json", j.dump());
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("field normalizer.lowercase"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;

  write_file_atomic(dir / "tokenizer.json", good);
  write_file_atomic(dir / "sentence_bert_config.json", "{\"max_seq_length\": -3}");
  r = tokenize_hi(dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sentence_bert_config.json"), std::string::npos) << r.err;
}

TEST(TokenizeCli, BadInputLinesExitTwoWithoutPartialOutput) {
  MOLT_REQUIRE_MODEL("all-MiniLM-L6-v2/tokenizer.json");
  TempDir tmp;
  const ProcessResult r = run_molt({"tokenize", "--model", (models_dir() / "all-MiniLM-L6-v2").string(),
                                    "--output", (tmp / "out.jsonl").string()},
                                   {.stdin_data = "{\"text\": \"fine\"}\n{\"text\": 5}\n"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "out.jsonl"));
}

}  // namespace
}  // namespace molt::test
