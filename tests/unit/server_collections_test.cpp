// The collection routes over a real store and a deterministic fake model, through a real
// HTTP client on loopback: collections (create with a space of a served model, list, get,
// drop), documents (upsert with embedded or supplied vectors, get, delete), dense, BM25 and
// hybrid search with k and metadata filters, aliases; the vectors stored and searched are
// the model's own; every bad request is a 4xx in OpenAI's error shape.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/store/store.h"
#include "tests/support/running_server.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

FakeBackendConfig model_config() {
  FakeBackendConfig c;
  c.dim = 8;
  c.max_tokens = 32;
  c.prompts = {{"query", "query :"}};
  return c;
}

class ServerCollections : public ::testing::Test {
 protected:
  void SetUp() override { start(server::ServerOptions{}); }

  void start(server::ServerOptions options, const std::function<void(store::Store&)>& prepare = {}) {
    server_.reset();
    store::StoreOptions store_options;
    store_options.create = true;
    auto db = std::make_unique<store::Store>(dir_ / "db", store_options);
    if (prepare) prepare(*db);
    db_ = db.get();
    server_ = std::make_unique<RunningServer>(std::move(options), model_config(), std::move(db));
  }

  json ok(const httplib::Result& r, int status = 200) {
    EXPECT_TRUE(r) << "no response";
    if (!r) return json();
    EXPECT_EQ(r->status, status) << r->body;
    return json::parse(r->body, nullptr, false);
  }
  // An OpenAI-shaped error with this status; returns the error object.
  json error(const httplib::Result& r, int status) {
    EXPECT_TRUE(r) << "no response";
    if (!r) return json();
    EXPECT_EQ(r->status, status) << r->body;
    const json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.contains("error")) << r->body;
    if (!j.contains("error")) return json();
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    EXPECT_TRUE(j["error"].contains("type") && j["error"].contains("param") && j["error"].contains("code"));
    return j["error"];
  }

  std::vector<float> doc_vector(const std::string& text, const std::string& prompt = "") {
    return server_->backend().reference(server_->backend().ids_of(text, prompt), {8, std::nullopt});
  }

  void create_docs(const std::string& extra = "") {
    ok(server_->post("/v1/collections", R"({"name": "docs", "model": "fake")" + extra + "}"), 201);
    const json body = {{"documents",
                        {{{"id", "a"}, {"text", "the quick brown fox"}, {"metadata", {{"year", 2021}, {"lang", "en"}}}},
                         {{"id", "b"}, {"text", "a lazy dog sleeps"}, {"metadata", {{"year", 2020}, {"lang", "en"}}}},
                         {{"id", "c"}, {"text", "fox and dog play"}, {"metadata", {{"year", 2021}, {"lang", "de"}}}},
                         {{"id", "d"}, {"text", "nothing in common"}}}}};
    const json w = ok(server_->post("/v1/collections/docs/documents", body.dump()));
    EXPECT_EQ(w["inserted"], 4);
  }

  TempDir dir_;
  std::unique_ptr<RunningServer> server_;
  store::Store* db_ = nullptr;  // owned by the server
};

float cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return static_cast<float>(dot / std::sqrt(na * nb));
}

std::vector<std::string> hit_ids(const json& result) {
  std::vector<std::string> ids;
  for (const auto& h : result["data"]) ids.push_back(h["id"]);
  return ids;
}

TEST_F(ServerCollections, CreateListGetAndDrop) {
  const json created = ok(server_->post("/v1/collections", R"({"name": "docs", "model": "fake", "dimensions": 6})"), 201);
  EXPECT_EQ(created["name"], "docs");
  EXPECT_EQ(created["documents"], 0);
  EXPECT_EQ(created["serving"], "fake-6");
  ASSERT_EQ(created["spaces"].size(), 1u);
  const json& space = created["spaces"][0];
  EXPECT_EQ(space["model_hash"], "fake-identity");
  EXPECT_EQ(space["model_name"], "test/fake-model");
  EXPECT_EQ(space["dim"], 6);
  EXPECT_EQ(space["model_dim"], 8);
  EXPECT_EQ(space["state"], "serving");
  EXPECT_EQ(space["query_prompt"]["name"], "query");  // the model's own query prompt
  EXPECT_EQ(space["document_prompt"]["name"], "");

  EXPECT_EQ(error(server_->post("/v1/collections", R"({"name": "docs"})"), 409)["code"], "conflict");
  ok(server_->post("/v1/collections", R"({"name": "bare"})"), 201);

  const json list = ok(server_->get("/v1/collections"));
  ASSERT_EQ(list["data"].size(), 2u);
  std::vector<std::string> names;
  for (const auto& c : list["data"]) names.push_back(c["name"]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bare", "docs"}));
  EXPECT_EQ(ok(server_->get("/v1/collections/bare"))["spaces"].size(), 0u);

  const json dropped = ok(server_->del("/v1/collections/docs"));
  EXPECT_EQ(dropped["deleted"], true);
  const json e = error(server_->get("/v1/collections/docs"), 404);
  EXPECT_NE(e["message"].get<std::string>().find("docs"), std::string::npos);
  EXPECT_EQ(ok(server_->get("/v1/collections"))["data"].size(), 1u);
}

TEST_F(ServerCollections, StoredVectorsAreTheModelsAndDenseSearchRanksByThem) {
  create_docs();
  const json a = ok(server_->get("/v1/collections/docs/documents/a?space=fake"));
  EXPECT_EQ(a["text"], "the quick brown fox");
  EXPECT_EQ(a["metadata"]["year"], 2021);
  std::vector<float> stored;
  for (const auto& x : a["vector"]) stored.push_back(x.get<float>());
  const std::vector<float> want = doc_vector("the quick brown fox");
  ASSERT_EQ(stored.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(stored[i], want[i], 1e-6f);

  // The query is embedded with the space's query prompt; scores are cosines to it.
  const std::string query = "brown fox";
  const json r = ok(server_->post("/v1/collections/docs/search", json{{"query", query}, {"k", 4}}.dump()));
  EXPECT_EQ(r["collection"], "docs");
  EXPECT_EQ(r["space"], "fake");
  EXPECT_EQ(r["mode"], "dense");
  const std::vector<float> q = doc_vector(query, "query");
  std::vector<std::pair<float, std::string>> expected;
  for (const auto& [id, text] : std::vector<std::pair<std::string, std::string>>{
           {"a", "the quick brown fox"}, {"b", "a lazy dog sleeps"}, {"c", "fox and dog play"}, {"d", "nothing in common"}}) {
    expected.emplace_back(cosine(q, doc_vector(text)), id);
  }
  std::sort(expected.rbegin(), expected.rend());
  ASSERT_EQ(r["data"].size(), 4u);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r["data"][i]["id"], expected[i].second) << i;
    EXPECT_NEAR(r["data"][i]["score"].get<float>(), expected[i].first, 1e-5f) << i;
  }
  // The same ranking for a supplied query vector, and k cuts it.
  const json by_vector = ok(server_->post("/v1/collections/docs/search", json{{"vector", q}, {"k", 2}}.dump()));
  EXPECT_EQ(hit_ids(by_vector), (std::vector<std::string>{expected[0].second, expected[1].second}));
}

TEST_F(ServerCollections, Bm25HybridAndFilters) {
  create_docs();
  const json bm25 = ok(server_->post("/v1/collections/docs/search", R"({"query": "fox", "mode": "bm25"})"));
  auto ids = hit_ids(bm25);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(bm25["space"].is_null());

  const json filtered = ok(server_->post("/v1/collections/docs/search",
                                         R"({"query": "fox dog", "mode": "bm25", "filter": {"lang": "en"}})"));
  ids = hit_ids(filtered);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));
  for (const auto& h : filtered["data"]) EXPECT_EQ(h["metadata"]["lang"], "en");

  const json dense_filtered =
      ok(server_->post("/v1/collections/docs/search", R"({"query": "fox", "filter": {"year": 2021}, "k": 10})"));
  ids = hit_ids(dense_filtered);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c"}));
  // "2021" as a string matches no number.
  EXPECT_EQ(ok(server_->post("/v1/collections/docs/search", R"({"query": "fox", "filter": {"year": "2021"}})"))["data"]
                .size(),
            0u);

  const json hybrid = ok(server_->post("/v1/collections/docs/search",
                                       R"({"query": "fox", "mode": "hybrid", "k": 3, "with_text": false})"));
  EXPECT_EQ(hybrid["mode"], "hybrid");
  EXPECT_EQ(hybrid["space"], "fake");
  ASSERT_EQ(hybrid["data"].size(), 3u);
  EXPECT_FALSE(hybrid["data"][0].contains("text"));
  // Reciprocal rank fusion: the two documents with "fox" are ranked by both lists, so they
  // lead, with scores of two terms each.
  std::vector<std::string> top2 = {hybrid["data"][0]["id"], hybrid["data"][1]["id"]};
  std::sort(top2.begin(), top2.end());
  EXPECT_EQ(top2, (std::vector<std::string>{"a", "c"}));
}

TEST_F(ServerCollections, UpsertGetAndDeleteDocuments) {
  create_docs();
  const json w = ok(server_->post("/v1/collections/docs/documents",
                                  R"({"documents": [{"id": "a", "text": "a new text for a"}, {"id": "e", "text": "e"}]})"));
  EXPECT_EQ(w["inserted"], 1);
  EXPECT_EQ(w["updated"], 1);
  const json got = ok(server_->post("/v1/collections/docs/documents/get", R"({"ids": ["a", "zz", "e"], "metadata": false})"));
  ASSERT_EQ(got["data"].size(), 3u);
  EXPECT_EQ(got["data"][0]["text"], "a new text for a");
  EXPECT_FALSE(got["data"][0].contains("metadata"));
  EXPECT_TRUE(got["data"][1].is_null());
  EXPECT_EQ(got["data"][2]["id"], "e");

  const json del = ok(server_->post("/v1/collections/docs/documents/delete", R"({"ids": ["b", "zz"]})"));
  EXPECT_EQ(del["deleted"], 1);
  EXPECT_EQ(del["missing"], 1);
  ok(server_->del("/v1/collections/docs/documents/c"));
  error(server_->del("/v1/collections/docs/documents/c"), 404);
  error(server_->get("/v1/collections/docs/documents/b"), 404);
  // An id with a slash travels percent-encoded.
  ok(server_->post("/v1/collections/docs/documents", R"({"documents": [{"id": "dir/x", "text": "slash"}]})"));
  EXPECT_EQ(ok(server_->get("/v1/collections/docs/documents/dir%2Fx"))["text"], "slash");
  EXPECT_EQ(ok(server_->get("/v1/collections/docs"))["documents"], 4);  // a, d, e, dir/x
  const json r = ok(server_->post("/v1/collections/docs/search", R"({"query": "text", "mode": "bm25"})"));
  EXPECT_EQ(hit_ids(r), (std::vector<std::string>{"a"}));
}

TEST_F(ServerCollections, SuppliedVectorsForASpaceWithoutAServedModel) {
  start(server::ServerOptions{}, [](store::Store& db) {
    db.create_collection("ext");
    store::SpaceConfig c;
    c.name = "vectors";
    c.model_dim = 3;
    c.dim = 3;
    c.index_spec = index::parse_index_spec("flat");
    db.create_space("ext", c);
  });
  ok(server_->post("/v1/collections/ext/documents",
                   R"({"documents": [{"id": "x", "text": "x", "vector": [1, 0, 0]},
                                     {"id": "y", "text": "y", "vectors": {"vectors": [0, 1, 0]}}]})"));
  const json r = ok(server_->post("/v1/collections/ext/search", R"({"vector": [0.1, 1, 0], "k": 1})"));
  EXPECT_EQ(hit_ids(r), (std::vector<std::string>{"y"}));
  // Without a vector the store would need an encoder, and this space's model is not served.
  error(server_->post("/v1/collections/ext/documents", R"({"documents": [{"id": "z", "text": "z"}]})"), 400);
  error(server_->post("/v1/collections/ext/search", R"({"query": "text only"})"), 400);
  error(server_->post("/v1/collections/ext/documents", R"({"documents": [{"id": "z", "vector": [1, 2]}]})"), 400);
}

TEST_F(ServerCollections, AQueryPrefixIsALiteralPrompt) {
  // The model's "query" prompt is the text "query :": as a literal prefix it gives the same
  // query vector, so the same scores; without any prompt the scores differ.
  ok(server_->post("/v1/collections", R"({"name": "named", "model": "fake", "query_prompt": "query"})"), 201);
  ok(server_->post("/v1/collections", R"({"name": "prefixed", "model": "fake", "query_prefix": "query :"})"), 201);
  const json docs = {{"documents", {{{"id", "a"}, {"text", "red apple"}}, {{"id", "b"}, {"text", "green pear"}}}}};
  for (const char* c : {"named", "prefixed"}) {
    ok(server_->post(std::string("/v1/collections/") + c + "/documents", docs.dump()));
  }
  const std::string q = R"({"query": "apple"})";
  const json named = ok(server_->post("/v1/collections/named/search", q));
  const json prefixed = ok(server_->post("/v1/collections/prefixed/search", q));
  ASSERT_EQ(named["data"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(named["data"][i]["id"], prefixed["data"][i]["id"]);
    EXPECT_FLOAT_EQ(named["data"][i]["score"].get<float>(), prefixed["data"][i]["score"].get<float>());
  }
  const std::vector<float> plain = doc_vector("apple");
  EXPECT_GT(std::fabs(cosine(plain, doc_vector("red apple")) - named["data"][0]["score"].get<float>()) +
                std::fabs(cosine(plain, doc_vector("green pear")) - named["data"][0]["score"].get<float>()),
            1e-4f);
}

TEST_F(ServerCollections, Aliases) {
  create_docs();
  const json set = ok(server_->put("/v1/aliases/live", R"({"collection": "docs"})"));
  EXPECT_EQ(set["collection"], "docs");
  const json r = ok(server_->post("/v1/collections/live/search", R"({"query": "fox", "mode": "bm25"})"));
  EXPECT_EQ(r["collection"], "docs");
  EXPECT_EQ(ok(server_->get("/v1/aliases"))["data"], json::parse(R"([{"name": "live", "collection": "docs"}])"));
  EXPECT_EQ(ok(server_->get("/v1/collections/docs"))["aliases"], json({"live"}));
  ok(server_->post("/v1/collections/live/documents", R"({"documents": [{"id": "via-alias", "text": "hello"}]})"));
  EXPECT_EQ(ok(server_->get("/v1/collections/docs/documents/via-alias"))["text"], "hello");

  // An alias is not dropped as a collection, and a collection an alias names is not dropped.
  error(server_->del("/v1/collections/live"), 400);
  error(server_->del("/v1/collections/docs"), 409);
  // Moving the alias is atomic; dropping it frees the collection.
  ok(server_->post("/v1/collections", R"({"name": "other"})"), 201);
  EXPECT_EQ(ok(server_->put("/v1/aliases/live", R"({"collection": "other"})"))["collection"], "other");
  ok(server_->del("/v1/aliases/live"));
  error(server_->del("/v1/aliases/live"), 404);
  ok(server_->del("/v1/collections/docs"));
  error(server_->put("/v1/aliases/live", R"({"collection": "docs"})"), 404);
}

TEST_F(ServerCollections, BadRequestsAre4xxAndTheServerStaysUp) {
  server::ServerOptions options;
  options.http.api_key = "k";
  start(options);
  error(server_->get("/v1/collections"), 401);
  error(server_->get("/v1/collections", "wrong"), 401);
  ok(server_->post("/v1/collections", R"({"name": "docs", "model": "fake"})", "k"), 201);
  const struct {
    std::string path;
    std::string body;
    int status;
    std::string param;
  } cases[] = {
      {"/v1/collections", "{not json", 400, ""},
      {"/v1/collections", "[1]", 400, ""},
      {"/v1/collections", R"({"name": "bad/name"})", 400, "name"},
      {"/v1/collections", R"({"name": "x", "model": "nope"})", 404, "model"},
      {"/v1/collections", R"({"name": "x", "model": "fake", "dimensions": 9})", 400, "dimensions"},
      {"/v1/collections", R"({"name": "x", "model": "fake", "metric": "manhattan"})", 400, "metric"},
      {"/v1/collections", R"({"name": "x", "model": "fake", "query_prompt": "nope"})", 400, "query_prompt"},
      {"/v1/collections", R"({"name": "x", "model": "fake", "query_prompt": "query", "query_prefix": "q: "})", 400,
       "query_prefix"},
      {"/v1/collections/nope/search", R"({"query": "x"})", 404, "collection"},
      {"/v1/collections/docs/search", R"({"query": "x", "k": 0})", 400, "k"},
      {"/v1/collections/docs/search", R"({"query": "x", "top_k": 3})", 400, "top_k"},
      {"/v1/collections/docs/search", R"({"query": "x", "mode": "fuzzy"})", 400, "mode"},
      {"/v1/collections/docs/search", R"({"mode": "bm25"})", 400, "query"},
      {"/v1/collections/docs/search", R"({"query": "x", "filter": {"tags": [1]}})", 400, "filter.tags"},
      {"/v1/collections/docs/search", R"({"query": "x", "filter": "lang=en"})", 400, "filter"},
      {"/v1/collections/docs/search", R"({"vector": [1, "x"]})", 400, "vector[1]"},
      {"/v1/collections/docs/search", R"({"vector": [1, 2]})", 400, ""},
      {"/v1/collections/docs/documents", R"({"documents": []})", 400, "documents"},
      {"/v1/collections/docs/documents", R"({"documents": [{"id": 5, "text": "x"}]})", 400, "documents[0].id"},
      {"/v1/collections/docs/documents", R"({"documents": [{"id": "a", "text": 5}]})", 400, "documents[0].text"},
      {"/v1/collections/docs/documents", R"({"documents": [{"id": "a", "metadata": [1]}]})", 400,
       "documents[0].metadata"},
      {"/v1/collections/docs/documents", R"({"documents": [{"id": "a", "txt": "x"}]})", 400, "documents[0].txt"},
      {"/v1/collections/docs/documents", R"({"documents": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]})",
       400, ""},
      {"/v1/collections/docs/documents", "{\"documents\": [{\"id\": \"a\", \"text\": \"\xff\"}]}", 400, ""},
      {"/v1/collections/docs/documents/get", R"({"ids": "a"})", 400, "ids"},
      {"/v1/collections/docs/documents/delete", R"({"ids": []})", 400, "ids"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + " " + c.body);
    const json e = error(server_->post(c.path, c.body, "k"), c.status);
    if (!c.param.empty()) {
      EXPECT_EQ(e["param"], c.param);
    }
  }
  // Nothing of a refused batch was written, and the server still answers.
  EXPECT_EQ(ok(server_->get("/v1/collections/docs", "k"))["documents"], 0);
  EXPECT_EQ(ok(server_->get("/health"))["status"], "ok");
}

TEST_F(ServerCollections, QueriesShareTheModelsBatcherAndCache) {
  create_docs();
  const std::size_t before = server_->backend().n_embedded();
  for (int i = 0; i < 3; ++i) ok(server_->post("/v1/collections/docs/search", R"({"query": "lazy dog"})"));
  // The query was embedded once; the repeats came from the embedding cache.
  EXPECT_EQ(server_->backend().n_embedded(), before + 1);
  const std::string metrics = server_->get("/metrics")->body;
  EXPECT_NE(metrics.find("route=\"/v1/collections/{name}/search\""), std::string::npos);
}

// What a cutover and a rollback do to the store (Store::switch_serving), back and forth,
// while clients search continuously over HTTP: every search succeeds, and each is answered
// wholly from one space -- its hits and scores are exactly that space's answer.
TEST_F(ServerCollections, SearchesDuringServingSwitchesEachComeFromOneSpace) {
  ok(server_->post("/v1/collections", R"({"name": "docs", "model": "fake", "space": "wide"})"), 201);
  // A second space of the same model, 4 wide; filled by the upserts below like every space.
  store::SpaceConfig narrow = db_->collection("docs").spaces.front().config;
  narrow.name = "narrow";
  narrow.dim = 4;
  db_->create_space("docs", narrow);
  json docs = json::array();
  const char* words[] = {"red", "green", "blue", "apple", "pear", "sky", "sea", "stone"};
  for (int i = 0; i < 24; ++i) {
    docs.push_back({{"id", "d" + std::to_string(i)},
                    {"text", std::string(words[i % 8]) + " " + words[(i * 3 + 1) % 8] + " " + words[(i * 5 + 2) % 8]}});
  }
  ok(server_->post("/v1/collections/docs/documents", json{{"documents", docs}}.dump()));
  db_->set_space_state("docs", "narrow", store::SpaceState::kReady);

  const std::string query = R"({"query": "blue sea stone", "k": 5, "exact": true})";
  std::map<std::string, json> answers;  // by space: the hits it gives
  for (const char* space : {"wide", "narrow"}) {
    json q = json::parse(query);
    q["space"] = space;
    answers[space] = ok(server_->post("/v1/collections/docs/search", q.dump()))["data"];
  }
  ASSERT_NE(answers["wide"], answers["narrow"]);

  std::atomic<bool> done{false};
  std::atomic<int> searches{0};
  std::atomic<int> failures{0};
  std::map<std::string, int> by_space;
  std::mutex by_space_mutex;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      httplib::Client c = server_->client();
      while (!done.load()) {
        const auto r = c.Post("/v1/collections/docs/search", query, "application/json");
        ++searches;
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        const json j = json::parse(r->body);
        const std::string space = j["space"];
        if (answers.count(space) == 0 || j["data"] != answers.at(space)) ++failures;
        std::lock_guard lock(by_space_mutex);
        ++by_space[space];
      }
    });
  }
  int switches = 0;
  for (; switches < 40; ++switches) {
    if (switches % 2 == 0) {
      db_->switch_serving("docs", "narrow", store::SpaceState::kReady);  // cutover
    } else {
      db_->switch_serving("docs", "wide", store::SpaceState::kReady);  // rollback
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  done = true;
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0) << "of " << searches.load() << " searches";
  EXPECT_GT(searches.load(), 40);
  EXPECT_GT(by_space["wide"], 0);
  EXPECT_GT(by_space["narrow"], 0);
}

}  // namespace
}  // namespace molt::test
