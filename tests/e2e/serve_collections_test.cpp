// molt serve --db with a real model, through a real HTTP client, against the command line
// on the same store: documents written over HTTP hold the vectors `molt embed` computes;
// `molt search` (another process, reading the store while the server runs) and the
// server's search answer the same hits and scores in every mode, with filters and through
// an alias; a collection `molt ingest` wrote is served; SIGTERM leaves a store the command
// line opens.
#include <cmath>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

constexpr const char* kCollectionsKey = "collections-key";

const char* const kTexts[][2] = {
    {"Vitamin D deficiency is common in elderly people and exacerbates osteoporosis.", "health"},
    {"Myeloperoxidase acts as a profibrotic mediator of atrial fibrillation.", "heart"},
    {"Simvastatin reduces platelet-endocardial adhesion in rabbits.", "heart"},
    {"Long-term immune deficiency after allogeneic stem cell transplantation.", "health"},
    {"Insulin resistance in skeletal muscle precedes type 2 diabetes.", "health"},
    {"Sunlight exposure drives the cutaneous production of cholecalciferol.", "skin"},
};

class ServeCollections : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert");
    model_ = (fixtures_dir() / "tiny-bert").string();
    db_ = (tmp_ / "db").string();
  }
  void serve() {
    server_ = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--db", db_, "--model", "tiny=" + model_, "--api-key", kCollectionsKey}, tmp_.path());
  }
  json call(const std::string& method, const std::string& path, const std::string& body = "", int status = 200) {
    httplib::Client c = server_->client(kCollectionsKey);
    httplib::Result r = method == "GET"    ? c.Get(path)
                        : method == "PUT"  ? c.Put(path, body, "application/json")
                        : method == "DELETE" ? c.Delete(path)
                                             : c.Post(path, body, "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    return json::parse(r->body);
  }
  ProcessResult molt(const std::vector<std::string>& args, const std::string& in = {}) {
    ProcessOptions o;
    o.stdin_data = in;
    return run_molt(args, o);
  }
  std::string documents_jsonl() const {
    std::string out;
    for (std::size_t i = 0; i < std::size(kTexts); ++i) {
      out += json({{"id", "d" + std::to_string(i)}, {"text", kTexts[i][0]}, {"metadata", {{"topic", kTexts[i][1]}}}})
                 .dump() +
             "\n";
    }
    return out;
  }
  // `molt search` on the store, as JSON hits.
  std::vector<json> cli_search(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"search", "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult r = molt(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_jsonl(r.out);
  }
  // The server's hits equal the command line's: same ids in the same order, same scores.
  void expect_same_hits(const json& http, const std::vector<json>& cli, float tolerance, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_EQ(http["data"].size(), cli.size());
    ASSERT_FALSE(cli.empty());
    for (std::size_t i = 0; i < cli.size(); ++i) {
      EXPECT_EQ(http["data"][i]["id"], cli[i]["id"]) << i;
      EXPECT_NEAR(http["data"][i]["score"].get<double>(), cli[i]["score"].get<double>(), tolerance) << i;
    }
  }

  TempDir tmp_;
  std::string model_;
  std::string db_;
  std::unique_ptr<ServeProcess> server_;
};

TEST_F(ServeCollections, HttpWritesAndSearchesAgreeWithTheCommandLine) {
  serve();
  const json created = call("POST", "/v1/collections", R"({"name": "kb", "model": "tiny"})", 201);
  EXPECT_EQ(created["serving"], "tiny");
  json docs = json::array();
  for (const auto& line : parse_jsonl(documents_jsonl())) docs.push_back(line);
  EXPECT_EQ(call("POST", "/v1/collections/kb/documents", json{{"documents", docs}}.dump())["inserted"],
            std::size(kTexts));

  // The stored vectors are molt embed's (the same encoder on the same tokens, batched).
  const ProcessResult embedded = molt({"embed", "--model", model_}, documents_jsonl());
  ASSERT_EQ(embedded.exit_code, 0) << embedded.err;
  const ProcessResult exported = molt({"export", "--db", db_, "--collection", "kb"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::map<std::string, std::vector<float>> stored;
  for (const auto& j : parse_jsonl(exported.out)) stored[j["id"]] = j["vector"].get<std::vector<float>>();
  ASSERT_EQ(stored.size(), std::size(kTexts));
  float max_diff = 0;
  for (const auto& j : parse_jsonl(embedded.out)) {
    const auto want = j["embedding"].get<std::vector<float>>();
    const auto& got = stored.at(j["id"]);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t d = 0; d < want.size(); ++d) max_diff = std::max(max_diff, std::fabs(got[d] - want[d]));
  }
  EXPECT_LE(max_diff, 1e-6f);

  // Every mode, against molt search in another process on the same store, while serving.
  const std::string q = "vitamin D and bone loss in old age";
  expect_same_hits(call("POST", "/v1/collections/kb/search", json{{"query", q}, {"k", 4}}.dump()),
                   cli_search({"--collection", "kb", "--k", "4", q}), 1e-5f, "dense");
  expect_same_hits(call("POST", "/v1/collections/kb/search", json{{"query", "deficiency"}, {"mode", "bm25"}}.dump()),
                   cli_search({"--collection", "kb", "--mode", "bm25", "deficiency"}), 1e-6f, "bm25");
  expect_same_hits(call("POST", "/v1/collections/kb/search", json{{"query", q}, {"mode", "hybrid"}, {"k", 6}}.dump()),
                   cli_search({"--collection", "kb", "--mode", "hybrid", "--k", "6", q}), 1e-6f, "hybrid");
  const json filtered = call("POST", "/v1/collections/kb/search",
                             json{{"query", q}, {"k", 6}, {"filter", {{"topic", "health"}}}}.dump());
  expect_same_hits(filtered, cli_search({"--collection", "kb", "--k", "6", "--filter", "topic=health", q}), 1e-5f,
                   "filter");
  EXPECT_EQ(filtered["data"].size(), 3u);

  // An alias made over HTTP is seen by the command line.
  call("PUT", "/v1/aliases/live", R"({"collection": "kb"})");
  expect_same_hits(call("POST", "/v1/collections/live/search", json{{"query", q}, {"k", 2}}.dump()),
                   cli_search({"--collection", "live", "--k", "2", q}), 1e-5f, "alias");

  // Deletes are seen too; then SIGTERM ends the server cleanly and the store stays sound.
  EXPECT_EQ(call("POST", "/v1/collections/kb/documents/delete", R"({"ids": ["d0"]})")["deleted"], 1);
  const auto after = cli_search({"--collection", "kb", "--k", "6", q});
  for (const auto& h : after) EXPECT_NE(h["id"], "d0");
  EXPECT_EQ(after.size(), std::size(kTexts) - 1);
  const ProcessResult ended = server_->terminate();
  EXPECT_EQ(ended.exit_code, 0) << ended.err;
  const ProcessResult check = molt({"collections", "--db", db_, "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(ServeCollections, ServesACollectionTheCommandLineIngested) {
  const ProcessResult ingested =
      molt({"ingest", "--db", db_, "--collection", "kb", "--create", "--model", model_}, documents_jsonl());
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  serve();
  const json kb = call("GET", "/v1/collections/kb");
  EXPECT_EQ(kb["documents"], std::size(kTexts));
  const std::string q = "insulin and diabetes";
  expect_same_hits(call("POST", "/v1/collections/kb/search", json{{"query", q}, {"k", 3}}.dump()),
                   cli_search({"--collection", "kb", "--k", "3", q}), 1e-5f, "dense");
  // A document written over HTTP lands in the CLI's space with the model's vector: its own
  // text finds it first, at cosine 1, from the command line.
  const std::string text = "Calcium and vitamin D supplements in postmenopausal women.";
  call("POST", "/v1/collections/kb/documents", json{{"documents", {{{"id", "new"}, {"text", text}}}}}.dump());
  const auto self = cli_search({"--collection", "kb", "--k", "1", text});
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0]["id"], "new");
  EXPECT_NEAR(self[0]["score"].get<double>(), 1.0, 1e-5);
  // Errors name what is wrong, and the server stays up.
  EXPECT_EQ(call("POST", "/v1/collections/nope/search", R"({"query": "x"})", 404)["error"]["code"], "not_found");
  EXPECT_EQ(call("GET", "/health")["status"], "ok");
}

}  // namespace
}  // namespace molt::test
