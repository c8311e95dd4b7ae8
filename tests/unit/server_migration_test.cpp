// The migration routes over a real store and two deterministic fake models (no model
// files): a background run through the served model, a second start refused while it runs,
// status until ready, the transitions and their refusals in the API's error shape, and a
// drain that stops the run at a batch boundary, which the next server's start resumes
// without embedding again what was done.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/server/server.h"
#include "molt/store/store.h"
#include "tests/support/fake_embedding_backend.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

constexpr int kDocs = 40;

FakeBackendConfig model(const std::string& identity, std::size_t dim, std::chrono::microseconds batch_delay) {
  FakeBackendConfig c;
  c.dim = dim;
  c.max_tokens = 32;
  c.identity = identity;
  c.model_name = "test/" + identity;
  c.batch_delay = batch_delay;
  return c;
}

class ServerMigration : public ::testing::Test {
 protected:
  // A server over the store in dir_ serving "old" (8-d) and "new" (6-d, each batch slow).
  std::unique_ptr<server::Server> make_server(std::chrono::microseconds new_delay) {
    auto s = std::make_unique<server::Server>(server::ServerOptions{});
    s->add_model("old", std::make_unique<FakeEmbeddingBackend>(model("id-old", 8, std::chrono::microseconds(0))));
    s->add_model("new", std::make_unique<FakeEmbeddingBackend>(model("id-new", 6, new_delay)));
    store::StoreOptions o;
    o.create = true;
    s->set_store(std::make_unique<store::Store>(dir_ / "db", o));
    return s;
  }
  json call(server::Server& s, const std::string& method, const std::string& path, const std::string& body = "",
            int status = 200) {
    const server::HttpResponse r = s.handle(method, path, body);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return json::parse(r.body);
  }
  void create(server::Server& s) {
    call(s, "POST", "/v1/collections", R"({"name": "kb", "model": "old", "space": "old"})", 201);
    json docs = json::array();
    const char* words[] = {"red", "green", "blue", "apple", "pear", "sky", "sea", "stone"};
    for (int i = 0; i < kDocs; ++i) {
      docs.push_back({{"id", "d" + std::to_string(100 + i)},
                      {"text", std::string(words[i % 8]) + " " + words[(i * 3 + 1) % 8] + " " + words[(i * 5 + 2) % 8]}});
    }
    call(s, "POST", "/v1/collections/kb/documents", json{{"documents", docs}}.dump());
  }
  json wait_for_run(server::Server& s) {
    for (int i = 0; i < 2000; ++i) {
      const json st = call(s, "GET", "/v1/collections/kb/migration");
      if (st["run"]["state"] != "running") return st;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "the run did not end";
    return json();
  }

  TempDir dir_;
};

TEST_F(ServerMigration, BackgroundRunStatusAndTransitions) {
  auto s = make_server(std::chrono::milliseconds(10));
  create(*s);
  const std::string m = "/v1/collections/kb/migration";

  const json plan = call(*s, "POST", m + "/plan", R"({"model": "new", "sample": 4})");
  EXPECT_EQ(plan["documents"], kDocs);
  EXPECT_EQ(plan["to"]["space"], "new");
  EXPECT_EQ(plan["to"]["dim"], 6);
  EXPECT_GT(plan["tokens"].get<int>(), kDocs);
  call(*s, "GET", m, "", 404);

  // One document per batch, 10 ms a batch: the run lasts long enough to be refused twice.
  const server::HttpResponse started = s->handle("POST", m, R"({"model": "new", "batch_size": 1})");
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(started.headers.at("Location"), m);
  EXPECT_EQ(json::parse(started.body)["run"]["state"], "running");
  const json again = call(*s, "POST", m, R"({"model": "new"})", 409);
  EXPECT_EQ(again["error"]["code"], "conflict");
  EXPECT_EQ(call(*s, "GET", m)["running"], true);
  call(*s, "POST", m + "/cutover", "", 409);  // not ready yet
  call(*s, "POST", m + "/abort", "", 409);    // the run holds the collection

  const json done = wait_for_run(*s);
  EXPECT_EQ(done["run"]["state"], "done") << done.dump();
  EXPECT_EQ(done["run"]["embedded"], kDocs);
  EXPECT_EQ(done["state"], "ready");
  EXPECT_EQ(done["done"], kDocs);
  EXPECT_EQ(done["running"], false);

  // A start of the ready migration only resumes it: accepted, nothing embedded again.
  ASSERT_EQ(s->handle("POST", m, R"({"model": "new"})").status, 202);
  EXPECT_EQ(wait_for_run(*s)["run"]["embedded"], 0);

  // The same model in another space is refused while this migration is unfinished.
  call(*s, "POST", m, R"({"model": "new", "space": "other"})", 409);

  EXPECT_EQ(call(*s, "POST", m + "/verify", R"({"pseudo_queries": 5, "resamples": 50, "sample": 5})")["integrity"]["ok"],
            true);
  call(*s, "POST", m + "/rollback", "", 409);
  call(*s, "POST", m + "/canary", R"({"percent": "ten"})", 400);
  EXPECT_EQ(call(*s, "POST", m + "/canary", R"({"percent": 100})")["canary_percent"], 100.0);
  // With the whole canary share, a text search naming no space goes to the new space.
  EXPECT_EQ(call(*s, "POST", "/v1/collections/kb/search", R"({"query": "blue sky"})")["space"], "new");
  EXPECT_EQ(call(*s, "GET", m)["canary"]["new_searches"], 1);
  call(*s, "POST", m + "/canary", R"({"percent": 0})");
  EXPECT_EQ(call(*s, "POST", "/v1/collections/kb/search", R"({"query": "blue sky"})")["space"], "old");

  EXPECT_EQ(call(*s, "POST", m + "/cutover")["state"], "cut_over");
  EXPECT_EQ(call(*s, "POST", "/v1/collections/kb/search", R"({"query": "blue sky"})")["space"], "new");
  EXPECT_EQ(call(*s, "POST", m + "/rollback")["state"], "ready");
  EXPECT_EQ(call(*s, "POST", "/v1/collections/kb/search", R"({"query": "blue sky"})")["space"], "old");
  call(*s, "POST", m + "/cutover");
  EXPECT_EQ(call(*s, "POST", m + "/finalize")["state"], "finalized");
  call(*s, "POST", m + "/rollback", "", 409);
  call(*s, "POST", "/v1/collections/nope/migration/cutover", "", 404);
  call(*s, "POST", m + "/abort", "", 409);  // after finalize

  const std::string metrics = s->handle("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("molt_migration_state{collection=\"kb\",space=\"new\",state=\"finalized\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("molt_migration_transitions_total{collection=\"kb\",transition=\"cutover\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.find("molt_migration_transitions_total{collection=\"kb\",transition=\"ready\"} 2"),
            std::string::npos);
}

TEST_F(ServerMigration, DrainStopsTheRunAtABatchBoundaryAndTheNextStartResumes) {
  int first_embedded = 0;
  {
    auto s = make_server(std::chrono::milliseconds(20));
    create(*s);
    ASSERT_EQ(s->handle("POST", "/v1/collections/kb/migration", R"({"model": "new", "batch_size": 1})").status, 202);
    // Stopped once the first batch is committed, however late the run's thread starts.
    for (int i = 0; i < 2000 && call(*s, "GET", "/v1/collections/kb/migration")["done"] == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    s->shutdown();  // what SIGTERM does; the destructor then joins the run
    // Refused once stopping.
    call(*s, "POST", "/v1/collections/kb/migration", R"({"model": "new"})", 409);
    s.reset();
    store::StoreOptions o;
    store::Store db(dir_ / "db", o);
    const store::CollectionInfo c = db.collection("kb");
    ASSERT_EQ(c.spaces.size(), 2u);
    EXPECT_EQ(c.spaces.back().state, store::SpaceState::kBackfilling);
    for (const store::CollectionStats& st : db.list_collections()) first_embedded = static_cast<int>(st.vectors.at("new"));
  }
  EXPECT_GT(first_embedded, 0);
  EXPECT_LT(first_embedded, kDocs);

  auto s = make_server(std::chrono::microseconds(0));
  ASSERT_EQ(s->handle("POST", "/v1/collections/kb/migration", R"({"model": "new"})").status, 202);
  const json done = wait_for_run(*s);
  EXPECT_EQ(done["state"], "ready");
  EXPECT_EQ(done["done"], kDocs);
  EXPECT_EQ(done["run"]["embedded"], kDocs - first_embedded);
}

TEST_F(ServerMigration, AbortDropsTheNewSpaceAndTheOldOneServesOn) {
  auto s = make_server(std::chrono::microseconds(0));
  create(*s);
  const std::string m = "/v1/collections/kb/migration";
  ASSERT_EQ(s->handle("POST", m, R"({"model": "new"})").status, 202);
  EXPECT_EQ(wait_for_run(*s)["state"], "ready");
  call(*s, "POST", m + "/abort", R"({"space": "other"})", 409);
  call(*s, "POST", m + "/abort", R"({"spaces": "new"})", 400);
  const json aborted = call(*s, "POST", m + "/abort", R"({"space": "new"})");
  EXPECT_EQ(aborted["aborted"], "new");
  EXPECT_EQ(aborted["was"], "ready");
  EXPECT_EQ(aborted["serving"], "old");
  call(*s, "GET", m, "", 404);
  EXPECT_EQ(call(*s, "POST", "/v1/collections/kb/search", R"({"query": "blue sky"})")["space"], "old");
  EXPECT_NE(s->handle("GET", "/metrics", "").body.find(
                "molt_migration_transitions_total{collection=\"kb\",transition=\"abort\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace molt::test
