// The HTTP face over a real loopback socket with a deterministic fake model: OpenAI's and
// TEI's routes answer what the model computes; every kind of bad request is a 4xx with an
// OpenAI-shaped error and the server stays up; the API key, overload (429 + Retry-After),
// the cache, metrics and the drain on shutdown.
#include <atomic>
#include <cstring>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "molt/server/server.h"
#include "tests/support/fake_embedding_backend.h"
#include "tests/support/running_server.h"

namespace molt::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::FakeBackendConfig;
using test::FakeEmbeddingBackend;

FakeBackendConfig default_config() {
  FakeBackendConfig c;
  c.dim = 8;
  c.max_tokens = 16;
  c.prompts = {{"query", "query :"}};
  return c;
}

// The support's server with this file's model by default.
class RunningServer : public test::RunningServer {
 public:
  explicit RunningServer(ServerOptions options = {}, FakeBackendConfig config = default_config())
      : test::RunningServer(std::move(options), std::move(config)) {}
};

std::vector<float> floats(const json& array) {
  std::vector<float> v;
  for (const auto& x : array) v.push_back(static_cast<float>(x.get<double>()));
  return v;
}

std::vector<float> from_base64(const std::string& s) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : s) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<std::uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

// Asserts an OpenAI-shaped error with this status; returns the error object.
json expect_error(const httplib::Result& r, int status) {
  EXPECT_TRUE(r) << "no response";
  if (!r) return json();
  EXPECT_EQ(r->status, status) << r->body;
  const json j = json::parse(r->body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r->body;
  if (j.is_discarded()) return json();
  EXPECT_TRUE(j.contains("error")) << r->body;
  EXPECT_TRUE(j["error"]["message"].is_string()) << r->body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_TRUE(j["error"].contains("type") && j["error"].contains("param") && j["error"].contains("code")) << r->body;
  return j["error"];
}

void expect_healthy(const RunningServer& s) {
  const auto r = s.get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerHttp, OpenAiEmbeddingsInFloatAndBase64) {
  RunningServer s;
  const ComputeOptions full{8, std::nullopt};
  for (const std::string format : {"float", "base64"}) {
    const auto r = s.post("/v1/embeddings", R"({"model":"fake","input":["the cat sat","on the mat"],"encoding_format":")" +
                                                format + "\"}");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos);
    const json j = json::parse(r->body);
    EXPECT_EQ(j["model"], "fake");
    ASSERT_EQ(j["data"].size(), 2u);
    const std::vector<std::string> texts = {"the cat sat", "on the mat"};
    std::size_t tokens = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      const auto ids = s.backend().ids_of(texts[i]);
      tokens += ids.size();
      const json& e = j["data"][i]["embedding"];
      const std::vector<float> got = format == "float" ? floats(e) : from_base64(e.get<std::string>());
      EXPECT_EQ(got, s.backend().reference(ids, full)) << format << " " << i;
    }
    EXPECT_EQ(j["usage"]["prompt_tokens"], tokens);
    EXPECT_EQ(j["usage"]["total_tokens"], tokens);
  }
}

TEST(ServerHttp, TokenIdsEmbedLikeTheirText) {
  RunningServer s;
  const auto tok = s.post("/tokenize", R"({"inputs":"hello there world"})");
  ASSERT_TRUE(tok);
  ASSERT_EQ(tok->status, 200) << tok->body;
  const json tokens = json::parse(tok->body);
  json ids = json::array();
  for (const auto& t : tokens[0]) ids.push_back(t["id"]);
  const auto by_ids = s.post("/v1/embeddings", json{{"input", ids}}.dump());
  const auto by_text = s.post("/v1/embeddings", R"({"input":"hello there world"})");
  ASSERT_TRUE(by_ids && by_text);
  ASSERT_EQ(by_ids->status, 200) << by_ids->body;
  EXPECT_EQ(json::parse(by_ids->body)["data"][0]["embedding"], json::parse(by_text->body)["data"][0]["embedding"]);
  const auto nested = s.post("/v1/embeddings", json{{"input", json::array({ids, ids})}}.dump());
  ASSERT_EQ(nested->status, 200) << nested->body;
  EXPECT_EQ(json::parse(nested->body)["data"].size(), 2u);
}

TEST(ServerHttp, DimensionsAndPrompts) {
  RunningServer s;
  const auto r = s.post("/v1/embeddings", R"({"input":"a b c","dimensions":3,"prompt_name":"query"})");
  ASSERT_EQ(r->status, 200) << r->body;
  const std::vector<float> got = floats(json::parse(r->body)["data"][0]["embedding"]);
  EXPECT_EQ(got, s.backend().reference(s.backend().ids_of("a b c", "query"), ComputeOptions{3, std::nullopt}));
}

TEST(ServerHttp, Models) {
  RunningServer s;
  const auto list = s.get("/v1/models");
  ASSERT_EQ(list->status, 200);
  const json j = json::parse(list->body);
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["data"][0]["id"], "fake");
  EXPECT_EQ(j["data"][0]["dimensions"], 8);
  const auto one = s.get("/v1/models/fake");
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["id"], "fake");
  EXPECT_EQ(expect_error(s.get("/v1/models/nope"), 404)["code"], "model_not_found");
}

TEST(ServerHttp, TeiRoutes) {
  RunningServer s;
  // The fake normalizes, like most sentence-transformers models: raw vectors are refused.
  EXPECT_EQ(expect_error(s.post("/embed", R"({"inputs":["a b"],"normalize":false})"), 400)["param"], "normalize");
  const auto single = s.post("/embed", R"({"inputs":"a b"})");
  ASSERT_EQ(single->status, 200);
  EXPECT_EQ(floats(json::parse(single->body)[0]), s.backend().reference(s.backend().ids_of("a b"), ComputeOptions{8, true}));

  const auto tok = s.post("/tokenize", R"({"inputs":["hi you"],"add_special_tokens":false})");
  ASSERT_EQ(tok->status, 200) << tok->body;
  const json t = json::parse(tok->body);
  ASSERT_EQ(t[0].size(), 2u);
  EXPECT_EQ(t[0][1]["text"], "you");
  EXPECT_EQ(t[0][1]["start"], 3);
  EXPECT_EQ(t[0][1]["stop"], 6);
  EXPECT_EQ(t[0][1]["special"], false);

  const auto info = s.get("/info");
  ASSERT_EQ(info->status, 200);
  EXPECT_EQ(json::parse(info->body)["model_id"], "fake");
  EXPECT_EQ(json::parse(info->body)["max_input_length"], 16);
}

TEST(ServerHttp, TeiNormalizesAModelThatDoesNot) {
  FakeBackendConfig config = default_config();
  config.normalizes = false;
  RunningServer s(ServerOptions{}, config);
  const auto raw = s.post("/embed", R"({"inputs":["a b"],"normalize":false})");
  ASSERT_EQ(raw->status, 200) << raw->body;
  EXPECT_EQ(floats(json::parse(raw->body)[0]), s.backend().reference(s.backend().ids_of("a b"), ComputeOptions{8, false}));
  const auto unit = s.post("/embed", R"({"inputs":["a b"]})");
  ASSERT_EQ(unit->status, 200) << unit->body;
  EXPECT_EQ(floats(json::parse(unit->body)[0]), s.backend().reference(s.backend().ids_of("a b"), ComputeOptions{8, true}));
  const auto openai = s.post("/v1/embeddings", R"({"input":["a b"]})");  // the model's own output
  EXPECT_EQ(floats(json::parse(openai->body)["data"][0]["embedding"]),
            s.backend().reference(s.backend().ids_of("a b"), ComputeOptions{8, std::nullopt}));
}

TEST(ServerHttp, LongInputsAreTruncatedOrRefusedPerFlag) {
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "w" + std::to_string(i) + " ";
  RunningServer s;
  const auto cut = s.post("/v1/embeddings", json{{"input", long_text}}.dump());
  ASSERT_EQ(cut->status, 200) << cut->body;
  EXPECT_EQ(json::parse(cut->body)["usage"]["prompt_tokens"], 16);
  EXPECT_EQ(expect_error(s.post("/embed", json{{"inputs", long_text}, {"truncate", false}}.dump()), 400)["param"],
            "inputs");

  ServerOptions strict;
  strict.limits.truncate = false;
  RunningServer t(strict);
  const json e = expect_error(t.post("/v1/embeddings", json{{"input", {"short", long_text}}}.dump()), 400);
  EXPECT_EQ(e["param"], "input[1]");
  EXPECT_NE(e["message"].get<std::string>().find("42 tokens"), std::string::npos) << e;
  expect_healthy(t);
}

TEST(ServerHttp, BadRequestsAre4xxWithOpenAiErrorsAndTheServerStaysUp) {
  ServerOptions options;
  options.http.max_body_bytes = 4096;
  options.limits.max_inputs = 4;
  RunningServer s(options);
  struct Case {
    std::string body;
    int status;
    std::string param;  // "" = don't check
  };
  const std::vector<Case> cases = {
      {"{not json", 400, ""},
      {"", 400, ""},
      {"[]", 400, ""},
      {R"({"input": 42})", 400, "input"},
      {R"({"input": "x", "model": 1})", 400, "model"},
      {R"({"input": "x", "dimensions": "8"})", 400, "dimensions"},
      {R"({"input": "x", "dimensions": 9})", 400, "dimensions"},
      {R"({"input": "x", "encoding_format": "hex"})", 400, "encoding_format"},
      {R"({"input": ""})", 400, "input"},
      {R"({"input": []})", 400, "input"},
      {R"({"input": ["a", ""]})", 400, "input[1]"},
      {R"({"input": ["a","b","c","d","e"]})", 400, "input"},
      {"{\"input\": \"caf\xC3\x28\"}", 400, ""},
      {R"({"input": [[1, 5000]]})", 400, "input[0][1]"},
      {R"({"input": "x", "prompt_name": "nope"})", 400, "prompt_name"},
      {R"({"input": "x", "model": "nope"})", 404, "model"},
      {R"({"input": ")" + std::string(5000, 'a') + "\"}", 413, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 60));
    const json e = expect_error(s.post("/v1/embeddings", c.body), c.status);
    if (!c.param.empty()) {
      EXPECT_EQ(e["param"], c.param);
    }
    EXPECT_EQ(e["type"], "invalid_request_error");
    expect_healthy(s);
  }
  expect_error(s.get("/v1/nothing-here"), 404);
  expect_error(s.get("/v1/embeddings"), 405);
  expect_error(s.post("/v1/models", "{}"), 405);
  expect_error(s.post("/embed", R"({"inputs":"x","normalize":1})"), 400);
  expect_error(s.post("/tokenize", R"({"inputs":[1,2]})"), 400);
  expect_healthy(s);
  EXPECT_EQ(s.backend().n_embedded(), 0u);  // nothing reached the model
}

TEST(ServerHttp, ApiKey) {
  ServerOptions options;
  options.http.api_key = "s3cret";
  RunningServer s(options);
  EXPECT_EQ(expect_error(s.post("/v1/embeddings", R"({"input":"x"})"), 401)["code"], "invalid_api_key");
  expect_error(s.post("/v1/embeddings", R"({"input":"x"})", "wrong"), 401);
  expect_error(s.post("/v1/embeddings", R"({"input":"x"})", "s3cret-and-more"), 401);
  expect_error(s.get("/v1/models"), 401);
  expect_error(s.get("/metrics"), 401);
  const auto ok = s.post("/v1/embeddings", R"({"input":"x"})", "s3cret");
  ASSERT_EQ(ok->status, 200) << ok->body;
  expect_healthy(s);  // /health needs no key
}

TEST(ServerHttp, CacheAnswersRepeatedInputsWithoutTheModel) {
  RunningServer s;
  const std::string body = R"({"input":["one two","three"]})";
  const auto first = s.post("/v1/embeddings", body);
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(s.backend().n_embedded(), 2u);
  const auto second = s.post("/v1/embeddings", body);
  ASSERT_EQ(second->status, 200);
  EXPECT_EQ(s.backend().n_embedded(), 2u);
  EXPECT_EQ(json::parse(first->body), json::parse(second->body));
  // Another dimension is another entry.
  ASSERT_EQ(s.post("/v1/embeddings", R"({"input":["three"],"dimensions":4})")->status, 200);
  EXPECT_EQ(s.backend().n_embedded(), 3u);
  const std::string metrics = s.get("/metrics")->body;
  EXPECT_NE(metrics.find("molt_cache_hits_total{model=\"fake\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("molt_cache_misses_total{model=\"fake\"} 3"), std::string::npos) << metrics;
}

TEST(ServerHttp, MetricsCountRequestsByRouteAndStatus) {
  RunningServer s;
  ASSERT_EQ(s.post("/v1/embeddings", R"({"input":"x"})")->status, 200);
  expect_error(s.post("/v1/embeddings", R"({"input":7})"), 400);
  const auto m = s.get("/metrics");
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->get_header_value("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
  for (const char* line : {"molt_http_requests_total{route=\"/v1/embeddings\",method=\"POST\",status=\"200\"} 1",
                           "molt_http_requests_total{route=\"/v1/embeddings\",method=\"POST\",status=\"400\"} 1",
                           "molt_batch_size_count{model=\"fake\"} 1", "molt_embedded_tokens_total{model=\"fake\"} 3"}) {
    EXPECT_NE(m->body.find(line), std::string::npos) << line;
  }
}

TEST(ServerHttp, OverloadIs429WithRetryAfterAndAdmittedRequestsSucceed) {
  ServerOptions options;
  options.batcher.max_queue_tokens = 12;  // four 3-token inputs
  options.batcher.batching = false;
  FakeBackendConfig config = default_config();
  config.batch_delay = 30ms;
  RunningServer s(options, config);
  std::vector<std::future<httplib::Result>> results;
  for (int i = 0; i < 24; ++i) {
    results.push_back(std::async(std::launch::async, [&s, i] {
      return s.post("/v1/embeddings", json{{"input", "word" + std::to_string(i)}}.dump());
    }));
  }
  int ok = 0, refused = 0;
  for (auto& f : results) {
    const httplib::Result r = f.get();
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    if (r->status == 200) {
      ++ok;
    } else {
      EXPECT_EQ(expect_error(r, 429)["code"], "rate_limit_exceeded");
      EXPECT_FALSE(r->get_header_value("Retry-After").empty());
      ++refused;
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(ok + refused, 24);
  expect_healthy(s);
}

TEST(ServerHttp, ConnectionsBeyondTheWorkersAreRefusedWith429) {
  ServerOptions options;
  options.http.http_threads = 2;
  options.http.max_pending_connections = 0;
  FakeBackendConfig config = default_config();
  config.batch_delay = 150ms;
  options.batcher.batching = false;
  RunningServer s(options, config);
  std::vector<std::future<httplib::Result>> results;
  for (int i = 0; i < 8; ++i) {
    results.push_back(std::async(std::launch::async, [&s, i] {
      return s.post("/v1/embeddings", json{{"input", "w" + std::to_string(i)}}.dump());
    }));
    std::this_thread::sleep_for(5ms);
  }
  int ok = 0, refused = 0;
  for (auto& f : results) {
    const httplib::Result r = f.get();
    ASSERT_TRUE(r);
    if (r->status == 200) {
      ++ok;
    } else {
      expect_error(r, 429);
      ++refused;
    }
  }
  EXPECT_GE(ok, 2);
  EXPECT_GT(refused, 0);
  const std::string metrics = s.get("/metrics")->body;
  EXPECT_NE(metrics.find("molt_http_connections_refused_total"), std::string::npos);
}

TEST(ServerHttp, ShutdownDrainsRequestsInFlight) {
  FakeBackendConfig config = default_config();
  config.batch_delay = 300ms;
  RunningServer s(ServerOptions{}, config);
  auto in_flight = std::async(std::launch::async, [&s] { return s.post("/v1/embeddings", R"({"input":"slow one"})"); });
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  s.stop();  // returns once drained
  EXPECT_GT(std::chrono::steady_clock::now() - start, 100ms);
  const httplib::Result r = in_flight.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(s.get("/health"));  // the listener is closed
}

TEST(ServerHttp, HandleWithoutSocketUsesTheSameStack) {
  ServerOptions options;
  Server server(options);
  server.add_model("fake", std::make_unique<FakeEmbeddingBackend>(default_config()));
  const HttpResponse ok = server.handle("POST", "/v1/embeddings", R"({"input":"x"})");
  EXPECT_EQ(ok.status, 200);
  const HttpResponse bad = server.handle("POST", "/v1/embeddings", "{");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(server.handle("GET", "/v1/models/fake", "").status, 200);
}

}  // namespace
}  // namespace molt::server
