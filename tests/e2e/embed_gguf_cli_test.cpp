// `molt embed` and `molt tokenize` on GGUF files, as processes: every GGUF twin of
// ../shared/fixtures/gguf against its safetensors folder's goldens (the file alone, with
// molt's defaults; and nomic-embed's twin with its sentence-transformers files beside it, through
// every expected file's molt_args: prompts and Matryoshka dimensions), and malformed files —
// bad magic, unknown version, counts and offsets past the end, misaligned data, an
// overflowing string length, an architecture molt does not run — each exiting 2 with one
// line naming the file and what is wrong, leaving no output file.
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/embedding_fixtures.h"
#include "tests/support/format_writers.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"
#include "tests/support/tiny_gguf.h"

namespace molt::test {
namespace {
namespace fs = std::filesystem;


std::string input_of(const std::vector<ExpectedEmbedding>& lines) {
  std::string in;
  for (const auto& line : lines) in += nlohmann::json{{"id", line.id}, {"text", line.text}}.dump() + "\n";
  return in;
}


// The inputs of a twin that the file alone must match (GgufTwin::alone_differs).
std::vector<ExpectedEmbedding> comparable_lines(const GgufTwin& twin) {
  const ExpectedFile file = read_expected_file(twin.model, twin.model.fixture_dir / "expected.jsonl");
  std::vector<ExpectedEmbedding> out;
  for (const auto& line : file.lines) {
    if (!twin.alone_differs(line)) out.push_back(line);
  }
  return out;
}

TEST(EmbedGgufCli, EveryTwinAloneGivesItsGoldensIdsAndVectors) {
  MOLT_REQUIRE_FIXTURE("gguf");
  TempDir tmp;
  const auto twins = gguf_twins();
  ASSERT_EQ(twins.size(), 12u);
  for (const GgufTwin& twin : twins) {
    SCOPED_TRACE(twin.gguf.filename().string());
    const auto lines = comparable_lines(twin);
    const auto r = run_molt({"embed", "--model", twin.gguf.string()}, offline_options(tmp.path(), input_of(lines)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto got = parse_jsonl(r.out);
    ASSERT_EQ(got.size(), lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(got[i]["id"], lines[i].id);
      const Agreement a = compare_vectors(got[i]["embedding"].get<std::vector<float>>(), lines[i].embedding);
      EXPECT_GE(a.cosine, twin.min_cosine()) << "line " << lines[i].id;
    }
    const auto t = run_molt({"tokenize", "--model", twin.gguf.string()}, offline_options(tmp.path(), input_of(lines)));
    ASSERT_EQ(t.exit_code, 0) << t.err;
    const auto ids = parse_jsonl(t.out);
    ASSERT_EQ(ids.size(), lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(ids[i]["ids"].get<std::vector<std::int32_t>>(), lines[i].ids) << "line " << lines[i].id;
    }
  }
}

TEST(EmbedGgufCli, NomicTwinWithItsSentenceTransformersFilesThroughEveryMoltArgs) {
  MOLT_REQUIRE_FIXTURE("gguf");
  MOLT_REQUIRE_FIXTURE("tiny-nomic-bert");
  TempDir tmp;
  const fs::path twin = fixtures_dir() / "tiny-nomic-bert";
  const fs::path dir = tmp / "nomic-gguf";
  fs::create_directories(dir);
  fs::create_symlink(fs::absolute(fixtures_dir() / "gguf" / "tiny-nomic-bert-f32.gguf"), dir / "model.gguf");
  for (const char* name : {"modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"}) {
    fs::copy_file(twin / name, dir / name);
  }
  fs::copy(twin / "1_Pooling", dir / "1_Pooling");
  const FixtureModel model{"tiny-nomic-bert", twin, twin, false, "nomic_bert"};
  const auto files = read_expected_files(model);
  ASSERT_EQ(files.size(), 6u);
  // The folder itself resolves to its .gguf file (it holds no config.json).
  for (const std::string& target : {(dir / "model.gguf").string(), dir.string()}) {
    for (const ExpectedFile& file : files) {
      SCOPED_TRACE(target + " " + file.path.filename().string());
      std::vector<std::string> args = {"embed", "--model", target};
      for (const auto& a : split_args(file.molt_args)) args.push_back(a);
      const auto r = run_molt(args, offline_options(tmp.path(), input_of(file.lines)));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const auto got = parse_jsonl(r.out);
      ASSERT_EQ(got.size(), file.lines.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        const Agreement a = compare_vectors(got[i]["embedding"].get<std::vector<float>>(), file.lines[i].embedding);
        EXPECT_GE(a.cosine, kMinCosine) << "line " << i;
        EXPECT_LE(a.max_abs, kMaxAbsDiff) << "line " << i;
      }
    }
  }
  // molt tokenize reads the same files: the twin's truncation at max_seq_length 80.
  const auto t = run_molt({"tokenize", "--model", (dir / "model.gguf").string()},
                          offline_options(tmp.path(), input_of(files.front().lines)));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto ids = parse_jsonl(t.out);
  ASSERT_EQ(ids.size(), files.front().lines.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i]["ids"].get<std::vector<std::int32_t>>(), files.front().lines[i].ids) << "line " << i;
  }
}

// A small GGUF file whose header says `ne`/offsets as given; parsing fails before any model
// reading.
std::string small_file(const std::function<void(GgufBuilder&)>& change) {
  GgufBuilder b;
  b.kv_string("general.architecture", "bert");
  b.tensor("token_embd.weight", 0, {4, 2}, f32_bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  change(b);
  return b.build();
}

TEST(EmbedGgufCli, MalformedFilesExit2WithOneLineNamingFileAndProblem) {
  TempDir tmp;
  const std::string valid = tiny_gguf_model({});
  struct Case {
    std::string name;
    std::string bytes;
    std::vector<std::string> says;
  };
  std::vector<Case> cases;
  {
    std::string b = valid;
    b.replace(0, 4, "GGUX");
    cases.push_back({"bad magic", b, {"not a GGUF file", "field magic"}});
  }
  {
    std::string b = valid;
    b.replace(4, 4, le32(4));
    cases.push_back({"unknown version", b, {"unsupported GGUF version 4", "field version"}});
  }
  {
    std::string b = valid;
    b.replace(8, 8, le64(std::uint64_t{1} << 40));
    cases.push_back({"tensor count past the end", b, {"tensor count 1099511627776 is impossible", "field n_tensors"}});
  }
  {
    std::string b = valid;
    b.replace(16, 8, le64(std::numeric_limits<std::uint64_t>::max()));
    cases.push_back({"metadata count past the end", b, {"is impossible", "field n_kv"}});
  }
  cases.push_back({"tensor offset past the end",
                   small_file([](GgufBuilder& b) { b.tensor("x", 0, {4}, "", std::uint64_t{1} << 40); }),
                   {"runs past the end of the file", "tensor x"}});
  cases.push_back({"truncated data", valid.substr(0, valid.size() - 64), {"runs past the end of the file"}});
  cases.push_back({"misaligned data", small_file([](GgufBuilder& b) { b.tensor("x", 0, {1}, f32_bytes({1}), 48); }),
                   {"offset 48 is not a multiple of the alignment 32", "tensor x"}});
  cases.push_back({"overflowing string length",
                   small_file([](GgufBuilder& b) { b.kv("k", 8, le64(std::numeric_limits<std::uint64_t>::max()) + "abc"); }),
                   {"string length 18446744073709551615 runs past the end", "field k"}});
  {
    TinyGgufSpec spec;
    spec.general_architecture = "llama";
    cases.push_back({"architecture", tiny_gguf_model(spec),
                     {"unsupported GGUF architecture 'llama' (molt runs: bert, nomic-bert)", "field general.architecture"}});
  }
  {
    TinyGgufSpec spec;
    spec.tensor_types = {{"blk.0.ffn_down.weight", 9}};
    cases.push_back({"tensor type", tiny_gguf_model(spec), {"cannot convert Q8_1 values to F32", "tensor blk.0.ffn_down.weight"}});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path path = tmp / "bad.gguf";
    write_bytes(path, c.bytes);
    const fs::path out = tmp / "out.jsonl";
    const auto r = run_molt({"embed", "--model", path.string(), "--output", out.string()},
                            offline_options(tmp.path(), "{\"text\": \"hello\"}\n"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_FALSE(fs::exists(out));
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_EQ(r.err.rfind("molt: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("file " + path.string()), std::string::npos) << r.err;
    for (const std::string& part : c.says) EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace molt::test
