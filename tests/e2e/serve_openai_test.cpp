// The official `openai` npm package against `molt serve`: in float, in base64, and with the
// SDK's default (it asks for base64 and decodes it), it gets the vectors `molt embed` prints
// for the same model; its errors come back as the SDK's typed errors with OpenAI's codes.
// The test installs the package with npm into the build folder (once) and skips, saying
// why, when npm cannot reach its registry; MOLT_TEST_REQUIRE_NPM=1 turns that into a failure.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

bool npm_required() {
  const char* v = std::getenv("MOLT_TEST_REQUIRE_NPM");
  return v != nullptr && std::string(v) == "1";
}

// The folder holding node_modules/openai, installed on first use; "" with *why set when
// it cannot be had.
std::filesystem::path openai_package(std::string* why) {
  const std::filesystem::path dir = molt_binary().parent_path() / "npm-openai";
  if (std::filesystem::exists(dir / "node_modules" / "openai" / "package.json")) return dir;
  if (run_process({"node", "--version"}).exit_code != 0) {
    *why = "node is not installed";
    return {};
  }
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "package.json") << R"({"name": "molt-openai-e2e", "private": true, "type": "module",
  "dependencies": {"openai": "^6"}})" << "\n";
  ProcessOptions options;
  options.cwd = dir;
  options.timeout = std::chrono::minutes(4);
  const ProcessResult r = run_process({"npm", "install", "--no-audit", "--no-fund", "--loglevel=error"}, options);
  if (r.exit_code != 0 || !std::filesystem::exists(dir / "node_modules" / "openai" / "package.json")) {
    *why = "npm could not install the openai package (is registry.npmjs.org reachable?): " +
           r.err.substr(0, 400);
    return {};
  }
  return dir;
}

std::vector<std::vector<float>> rows(const json& array) {
  std::vector<std::vector<float>> out;
  for (const auto& row : array) {
    std::vector<float> v;
    for (const auto& x : row) v.push_back(x.get<float>());
    out.push_back(std::move(v));
  }
  return out;
}

TEST(ServeOpenAi, OfficialClientGetsTheVectorsOfMoltEmbed) {
  MOLT_REQUIRE_FIXTURE("tiny-bert");
  std::string why;
  const std::filesystem::path npm_dir = openai_package(&why);
  if (npm_dir.empty()) {
    if (npm_required()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  std::filesystem::copy_file(source_dir() / "tests" / "e2e" / "clients" / "openai_embed.mjs",
                             npm_dir / "openai_embed.mjs", std::filesystem::copy_options::overwrite_existing);

  const std::string model = (fixtures_dir() / "tiny-bert").string();
  std::string long_text;
  for (int i = 0; i < 150; ++i) long_text += "word" + std::to_string(i % 7) + " ";  // past max_seq_length 100
  const std::vector<std::string> texts = {"hello", "The quick brown fox jumps over the lazy dog.",
                                          "Grüße aus Köln — naïve café, 東京", long_text, "  spaced  out  "};

  // What molt embed prints for these texts.
  std::string jsonl;
  for (std::size_t i = 0; i < texts.size(); ++i) jsonl += json{{"id", i}, {"text", texts[i]}}.dump() + "\n";
  ProcessOptions stdin_options;
  stdin_options.stdin_data = jsonl;
  const ProcessResult embedded = run_molt({"embed", "--model", model}, stdin_options);
  ASSERT_EQ(embedded.exit_code, 0) << embedded.err;
  std::vector<std::vector<float>> expected;
  std::istringstream lines(embedded.out);
  for (std::string line; std::getline(lines, line);) {
    const json parsed = json::parse(line);
    std::vector<float> v;
    for (const auto& x : parsed["embedding"]) v.push_back(x.get<float>());
    expected.push_back(std::move(v));
  }
  ASSERT_EQ(expected.size(), texts.size());
  const ProcessResult tokenized = run_molt({"tokenize", "--model", model}, stdin_options);
  ASSERT_EQ(tokenized.exit_code, 0) << tokenized.err;
  std::size_t n_tokens = 0;
  std::istringstream token_lines(tokenized.out);
  for (std::string line; std::getline(token_lines, line);) n_tokens += json::parse(line)["ids"].size();

  TempDir dir;
  const std::filesystem::path texts_file = dir / "texts.json";
  std::ofstream(texts_file) << json(texts).dump();
  ServeProcess server({"--model", "tiny=" + model, "--api-key", "e2e-key"}, dir.path());
  ProcessOptions node_options;
  node_options.cwd = npm_dir;
  node_options.timeout = std::chrono::minutes(2);
  const ProcessResult client = run_process(
      {"node", (npm_dir / "openai_embed.mjs").string(), server.url() + "/v1", "e2e-key", "tiny", texts_file.string()},
      node_options);
  ASSERT_EQ(client.exit_code, 0) << client.err << client.out;
  const json got = json::parse(client.out);

  EXPECT_EQ(got["model"], "tiny");
  EXPECT_EQ(got["usage"]["prompt_tokens"], n_tokens);
  EXPECT_EQ(got["usage"]["total_tokens"], n_tokens);
  EXPECT_EQ(got["indices"], json({0, 1, 2, 3, 4}));
  EXPECT_EQ(got["models"], json({"tiny"}));
  for (const char* format : {"float", "sdk", "base64"}) {
    SCOPED_TRACE(format);
    const auto vectors = rows(got[format]);
    ASSERT_EQ(vectors.size(), expected.size());
    float max_diff = 0.0f;
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      ASSERT_EQ(vectors[i].size(), expected[i].size());
      for (std::size_t d = 0; d < vectors[i].size(); ++d) {
        max_diff = std::max(max_diff, std::fabs(vectors[i][d] - expected[i][d]));
      }
    }
    // The server runs the same encoder on the same token ids; its output does not depend on
    // batching, so the vectors agree to float32 rounding of the batch-size invariance.
    EXPECT_LE(max_diff, 1e-6f);
    RecordProperty(std::string("max_abs_diff_") + format, std::to_string(max_diff));
  }
  // base64 is exact: the same float32 bits as the float format.
  EXPECT_EQ(rows(got["base64"]), rows(got["float"]));
  EXPECT_EQ(rows(got["sdk"]), rows(got["float"]));

  const json& errors = got["errors"];
  EXPECT_EQ(errors["unknown_model"]["status"], 404);
  EXPECT_EQ(errors["unknown_model"]["code"], "model_not_found");
  EXPECT_EQ(errors["empty_input"]["status"], 400);
  EXPECT_EQ(errors["empty_input"]["param"], "input");
  EXPECT_EQ(errors["bad_dimensions"]["status"], 400);
  EXPECT_EQ(errors["bad_dimensions"]["param"], "dimensions");
  EXPECT_EQ(errors["wrong_key"]["status"], 401);
  EXPECT_EQ(errors["wrong_key"]["code"], "invalid_api_key");
  EXPECT_EQ(errors["wrong_key"]["name"], "AuthenticationError");

  const ProcessResult stopped = server.terminate();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

}  // namespace
}  // namespace molt::test
