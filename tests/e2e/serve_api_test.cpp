// molt serve with real models, over real HTTP: OpenAI's and TEI's routes reproduce the
// reference fixtures (sentence-transformers' vectors, Hugging Face's token ids) with and
// without a prompt and a Matryoshka dimension; every kind of bad request -- malformed
// JSON, wrong types, empty and huge inputs, invalid UTF-8, unknown models and routes, a
// missing or wrong API key -- is a 4xx with an OpenAI-style error, and the server stays up.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

constexpr const char* kKey = "api-test-key";

struct FixtureLine {
  std::string text;
  std::vector<std::int32_t> ids;
  std::vector<float> embedding;
};

std::vector<FixtureLine> read_fixture(const std::string& file) {
  std::ifstream in(fixtures_dir() / "tiny-bert-cls" / file);
  std::vector<FixtureLine> out;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line);
    FixtureLine f;
    f.text = j["text"];
    for (const auto& id : j["ids"]) f.ids.push_back(id);
    for (const auto& x : j["embedding"]) f.embedding.push_back(x);
    out.push_back(std::move(f));
  }
  return out;
}

// Within the fixtures' bounds: cosine >= 0.99999, max |diff| <= 1e-5.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double dot = 0, ng = 0, nw = 0;
  float max_diff = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    dot += double(got[i]) * want[i];
    ng += double(got[i]) * got[i];
    nw += double(want[i]) * want[i];
    max_diff = std::max(max_diff, std::fabs(got[i] - want[i]));
  }
  EXPECT_GE(dot / std::sqrt(ng * nw), 0.99999) << what;
  EXPECT_LE(max_diff, 1e-5f) << what;
}

std::vector<float> floats(const json& a) {
  std::vector<float> v;
  for (const auto& x : a) v.push_back(x.get<float>());
  return v;
}

class ServeApi : public ::testing::Test {
 public:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert-cls");
    server_ = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--model", "cls=" + (fixtures_dir() / "tiny-bert-cls").string(), "--model",
                                 "tiny=" + (fixtures_dir() / "tiny-bert").string(), "--api-key", kKey,
                                 "--max-body-mb", "1", "--max-inputs", "64"},
        dir_.path());
  }
  httplib::Result post(const std::string& path, const std::string& body, const std::string& key = kKey) {
    return server_->client(key).Post(path, body, "application/json");
  }
  json post_ok(const std::string& path, const json& body) {
    const auto r = post(path, body.dump());
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  void expect_up() {
    const auto r = server_->client().Get("/health");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }

  TempDir dir_;
  std::unique_ptr<ServeProcess> server_;
};

// Sends the fixture's texts (token ids for the empty text, which the API refuses as a
// string) and compares every vector and the usage.
void check_fixture(ServeApi* t, const std::string& file, const json& extra) {
  const std::vector<FixtureLine> lines = read_fixture(file);
  ASSERT_FALSE(lines.empty());
  json input = json::array();
  std::size_t n_tokens = 0;
  for (const FixtureLine& f : lines) {
    if (f.text.empty()) {
      input.push_back(f.ids);
    } else {
      input.push_back(f.text);
    }
    n_tokens += f.ids.size();
  }
  json body = extra;
  body["model"] = "cls";
  body["input"] = input;
  const json r = t->post_ok("/v1/embeddings", body);
  ASSERT_EQ(r["data"].size(), lines.size());
  EXPECT_EQ(r["usage"]["prompt_tokens"], n_tokens);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    expect_close(floats(r["data"][i]["embedding"]), lines[i].embedding, file + " line " + std::to_string(i));
  }
}

TEST_F(ServeApi, OpenAiRouteReproducesTheReference) {
  check_fixture(this, "expected.jsonl", json::object());
  check_fixture(this, "expected.dim24.jsonl", {{"dimensions", 24}});
  check_fixture(this, "expected.query.jsonl", {{"prompt_name", "query"}});
}

TEST_F(ServeApi, TeiRoutesReproduceTheReference) {
  const std::vector<FixtureLine> lines = read_fixture("expected.query.jsonl");
  for (const FixtureLine& f : lines) {
    if (f.text.empty()) continue;
    const json tokens = post_ok("/tokenize", {{"inputs", f.text}, {"model", "cls"}, {"prompt_name", "query"}});
    std::vector<std::int32_t> ids;
    for (const auto& t : tokens[0]) ids.push_back(t["id"]);
    EXPECT_EQ(ids, f.ids) << f.text;
    // tiny-bert-cls does not normalize: TEI's normalize=false gives its own output.
    const json raw = post_ok("/embed", {{"inputs", f.text}, {"model", "cls"}, {"prompt_name", "query"},
                                        {"normalize", false}});
    expect_close(floats(raw[0]), f.embedding, f.text);
    const json unit = post_ok("/embed", {{"inputs", {f.text}}, {"model", "cls"}, {"prompt_name", "query"}});
    std::vector<float> normalized = f.embedding;
    double norm = 0;
    for (const float x : normalized) norm += double(x) * x;
    for (float& x : normalized) x = static_cast<float>(x / std::sqrt(norm));
    expect_close(floats(unit[0]), normalized, f.text);
  }
}

TEST_F(ServeApi, BadRequestsAre4xxAndTheServerStaysUp) {
  struct Case {
    std::string name;
    std::string body;
    int status;
    std::string param;
  };
  std::string too_many = R"({"model":"cls","input":[)";
  for (int i = 0; i < 65; ++i) too_many += std::string(i ? "," : "") + "\"t\"";
  too_many += "]}";
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"model": "cls", "input": ["a", )", 400, ""},
      {"not an object", R"(["a"])", 400, ""},
      {"input a number", R"({"model":"cls","input":3})", 400, "input"},
      {"input an object", R"({"model":"cls","input":{"text":"a"}})", 400, "input"},
      {"model a number", R"({"model":3,"input":"a"})", 400, "model"},
      {"dimensions a string", R"({"model":"cls","input":"a","dimensions":"24"})", 400, "dimensions"},
      {"dimensions too large", R"({"model":"cls","input":"a","dimensions":4096})", 400, "dimensions"},
      {"encoding unknown", R"({"model":"cls","input":"a","encoding_format":"int8"})", 400, "encoding_format"},
      {"empty string", R"({"model":"cls","input":""})", 400, "input"},
      {"empty array", R"({"model":"cls","input":[]})", 400, "input"},
      {"empty token array", R"({"model":"cls","input":[[2,3],[]]})", 400, "input[1]"},
      {"too many inputs", too_many, 400, "input"},
      {"invalid UTF-8", "{\"model\":\"cls\",\"input\":\"bad \xC3\x28 bytes\"}", 400, ""},
      {"lone surrogate", R"({"model":"cls","input":"\udc00"})", 400, ""},
      {"token id past the vocabulary", R"({"model":"cls","input":[[2, 999999, 3]]})", 400, "input[0][1]"},
      {"negative token id", R"({"model":"cls","input":[[2, -1, 3]]})", 400, "input[0][1]"},
      {"unknown prompt", R"({"model":"cls","input":"a","prompt_name":"nope"})", 400, "prompt_name"},
      {"unknown model", R"({"model":"gpt-nope","input":"a"})", 404, "model"},
      {"huge body", R"({"model":"cls","input":")" + std::string(2 << 20, 'x') + "\"}", 413, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto r = post("/v1/embeddings", c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << r->body.substr(0, 300);
    const json e = json::parse(r->body, nullptr, false);
    ASSERT_FALSE(e.is_discarded()) << r->body.substr(0, 300);
    EXPECT_TRUE(e["error"]["message"].is_string());
    EXPECT_FALSE(e["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(e["error"]["type"], "invalid_request_error");
    if (!c.param.empty()) {
      EXPECT_EQ(e["error"]["param"], c.param);
    }
    expect_up();
  }
  // Authentication.
  for (const std::string key : {"", "wrong-key"}) {
    const auto r = post("/v1/embeddings", R"({"model":"cls","input":"a"})", key);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "invalid_api_key");
  }
  // Routes.
  EXPECT_EQ(server_->client(kKey).Get("/v2/embeddings")->status, 404);
  EXPECT_EQ(server_->client(kKey).Get("/v1/embeddings")->status, 405);
  EXPECT_EQ(server_->client(kKey).Get("/v1/models/nope")->status, 404);
  // Still serving, and right.
  const std::vector<FixtureLine> lines = read_fixture("expected.jsonl");
  const json r = post_ok("/v1/embeddings", {{"model", "cls"}, {"input", lines[1].text}});
  expect_close(floats(r["data"][0]["embedding"]), lines[1].embedding, "after the bad requests");
  EXPECT_EQ(server_->terminate().exit_code, 0);
}

}  // namespace
}  // namespace molt::test
