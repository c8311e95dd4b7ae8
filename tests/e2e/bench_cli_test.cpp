// `molt bench` end to end on the tiny-bert fixture: the JSON fields CONTRACT.md names and the
// ones the command documents, token counts equal to what `molt tokenize` gives for the same
// texts, FLOPs equal to BERT's formula from the model's config.json, the same counts from
// texts and from token ids, the latency block, and exit status 2 with the problem named for
// bad input. Structure and exact counts only: speed is never asserted.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kTexts =
    "{\"id\": \"a\", \"text\": \"The quick brown fox.\"}\n"
    "{\"id\": \"b\", \"text\": \"Jumps over the lazy dog, twice!\"}\n"
    "{\"id\": \"c\", \"text\": \"x\"}\n"
    "{\"id\": \"d\", \"text\": \"Embeddings move from one model to another without downtime.\"}\n"
    "{\"id\": \"e\", \"text\": \"A fifth, somewhat longer text: it has more words than the others, and punctuation.\"}\n";

void write(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BenchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert/config.json");
    model_ = (fixtures_dir() / "tiny-bert").string();
    texts_ = dir_ / "texts.jsonl";
    write(texts_, kTexts);
  }

  json bench(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"bench", "--model", model_};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult r = run_molt(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  // Each text's token count as `molt tokenize` gives it, and the token-id file it writes.
  std::vector<std::uint32_t> tokenize(const fs::path& ids_out) {
    const ProcessResult r =
        run_molt({"tokenize", "--model", model_, "--input", texts_.string(), "--output", ids_out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::uint32_t> lengths;
    std::istringstream lines(read(ids_out));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) lengths.push_back(static_cast<std::uint32_t>(json::parse(line).at("ids").size()));
    }
    return lengths;
  }

  // BERT's model FLOPs from config.json: per layer, 2 · (4·h² + 2·h·i) per token for the
  // projections and the feed-forward, and 2 · 2·len²·h per sequence for q·kᵀ and p·v.
  double bert_flops(const std::vector<std::uint32_t>& lengths) const {
    const json config = json::parse(read(fs::path(model_) / "config.json"));
    const double h = config.at("hidden_size").get<double>();
    const double i = config.at("intermediate_size").get<double>();
    const double layers = config.at("num_hidden_layers").get<double>();
    double macs = 0.0;
    for (const std::uint32_t len : lengths) {
      const double l = len;
      macs += (4.0 * h * h + 2.0 * h * i) * l + 2.0 * l * l * h;
    }
    return 2.0 * layers * macs;
  }

  TempDir dir_;
  std::string model_;
  fs::path texts_;
};

TEST_F(BenchCli, ReportsContractFieldsWithExactCounts) {
  const std::vector<std::uint32_t> lengths = tokenize(dir_ / "ids.jsonl");
  ASSERT_EQ(lengths.size(), 5u);
  std::uint64_t tokens = 0;
  for (const std::uint32_t n : lengths) tokens += n;

  const json r = bench({"--input", texts_.string(), "--batch-size", "2", "--threads", "2"});
  // CONTRACT.md's fields, then the ones `molt bench --help` documents.
  for (const char* key : {"docs", "tokens", "seconds", "docs_per_s", "tokens_per_s", "gflops", "cpu_seconds",
                          "tokens_per_cpu_s", "flops", "warmup_docs", "input", "precision", "kernels", "threads",
                          "batch_size", "model", "architecture"}) {
    EXPECT_TRUE(r.contains(key)) << key << " missing from " << r.dump();
  }
  for (const char* key : {"seconds", "docs_per_s", "tokens_per_s", "gflops", "cpu_seconds"}) {
    EXPECT_TRUE(r.at(key).is_number()) << key;
    EXPECT_GE(r.at(key).get<double>(), 0.0) << key;
  }
  EXPECT_EQ(r.at("docs").get<std::uint64_t>(), 5u);
  EXPECT_EQ(r.at("tokens").get<std::uint64_t>(), tokens);
  EXPECT_DOUBLE_EQ(r.at("flops").get<double>(), bert_flops(lengths));
  EXPECT_EQ(r.at("warmup_docs").get<std::uint64_t>(), 2u);
  EXPECT_EQ(r.at("batch_size").get<std::uint64_t>(), 2u);
  EXPECT_EQ(r.at("threads").get<int>(), 2);
  EXPECT_EQ(r.at("input"), "text");
  EXPECT_EQ(r.at("precision"), "fp32");
  EXPECT_EQ(r.at("model"), "tiny-bert");
  EXPECT_FALSE(r.contains("latency"));  // only with --latency-runs
}

TEST_F(BenchCli, TokenIdsInputGivesTheSameCountsAsTexts) {
  const fs::path ids = dir_ / "ids.jsonl";
  const std::vector<std::uint32_t> lengths = tokenize(ids);
  const json from_texts = bench({"--input", texts_.string()});
  for (const char* precision : {"fp32", "bf16", "int8"}) {
    const json from_ids = bench({"--input", ids.string(), "--precision", precision, "--threads", "1"});
    EXPECT_EQ(from_ids.at("input"), "ids");
    EXPECT_EQ(from_ids.at("precision"), precision);
    EXPECT_EQ(from_ids.at("docs"), from_texts.at("docs"));
    EXPECT_EQ(from_ids.at("tokens"), from_texts.at("tokens"));
    EXPECT_DOUBLE_EQ(from_ids.at("flops").get<double>(), bert_flops(lengths));
  }
}

TEST_F(BenchCli, LatencyRunsCycleThroughTheInputAndGoToOutputFile) {
  const std::vector<std::uint32_t> lengths = tokenize(dir_ / "ids.jsonl");
  const fs::path out = dir_ / "bench.json";
  const ProcessResult run = run_molt({"bench", "--model", model_, "--input", texts_.string(), "--latency-runs", "7",
                                      "--output", out.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  const json r = json::parse(read(out));
  ASSERT_TRUE(r.contains("latency")) << r.dump();
  const json& lat = r.at("latency");
  EXPECT_EQ(lat.at("runs").get<int>(), 7);
  // Runs 0..6 embed inputs 0, 1, 2, 3, 4, 0, 1.
  double sum = 0;
  for (std::size_t i = 0; i < 7; ++i) sum += lengths[i % lengths.size()];
  EXPECT_DOUBLE_EQ(lat.at("mean_tokens").get<double>(), std::round(sum / 7.0 * 100.0) / 100.0);
  const double p50 = lat.at("p50_ms").get<double>(), p90 = lat.at("p90_ms").get<double>(),
               p99 = lat.at("p99_ms").get<double>();
  EXPECT_GT(p50, 0.0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
}

// Bad input: exit status 2, one line on stderr naming the problem (and the file and line
// where there is one), nothing on stdout.
void expect_refused(const ProcessResult& r, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line expected: " << r.err;
  for (const std::string& needle : needles) EXPECT_NE(r.err.find(needle), std::string::npos) << needle << " in " << r.err;
}

TEST_F(BenchCli, BadInputExitsWithStatusTwoAndSaysWhy) {
  const fs::path malformed = dir_ / "malformed.jsonl";
  write(malformed, "{\"text\": \"fine\"}\n{\"text\": \"no closing quote}\n");
  expect_refused(run_molt({"bench", "--model", model_, "--input", malformed.string()}),
                 {"malformed JSON", "malformed.jsonl", "line 2"});

  const fs::path empty = dir_ / "empty.jsonl";
  write(empty, "");
  expect_refused(run_molt({"bench", "--model", model_, "--input", empty.string()}), {"nothing to benchmark"});

  expect_refused(run_molt({"bench", "--model", model_, "--input", (dir_ / "absent.jsonl").string()}),
                 {"cannot open input", "absent.jsonl"});

  expect_refused(run_molt({"bench", "--model", model_, "--input", texts_.string(), "--precision", "fp16"}),
                 {"--precision", "fp16"});

  const fs::path bad_ids = dir_ / "bad_ids.jsonl";
  write(bad_ids, "{\"ids\": [101, 2000, 102]}\n{\"ids\": [101, 99999999, 102]}\n");
  expect_refused(run_molt({"bench", "--model", model_, "--input", bad_ids.string()}), {"99999999", "vocabulary"});

  const fs::path no_ids = dir_ / "no_ids.jsonl";
  write(no_ids, "{\"ids\": [101, 102]}\n{\"text\": \"a text among ids\"}\n");
  expect_refused(run_molt({"bench", "--model", model_, "--input", no_ids.string()}), {"no_ids.jsonl", "line 2"});

  expect_refused(run_molt({"bench", "--model", (dir_ / "no-model").string(), "--input", texts_.string()}),
                 {"no-model"});
}

}  // namespace
}  // namespace molt::test
