// A collection's migration over HTTP, end to end: `molt serve --db` with two real models
// (../shared/models/static-a, 384-d, and static-b, 768-d) migrates a collection through
// its routes (plan, start, status until ready, verify), refuses a start while another
// process holds the run, and then, while client threads search without pause, cutover and
// rollback are issued again and again: every search succeeds and each answer is exactly
// the old space's or exactly the new space's, as named in its "space". SIGTERM stops a
// background run at a batch boundary and the command line resumes it. Without --db the
// collection and migration routes answer 404 naming the flag.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/migrate/run_lock.h"
#include "molt/store/store.h"
#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

const char* const kWords[] = {"vitamin", "bone",   "insulin", "tumor",   "immune", "brain",   "sleep",
                              "heart",   "kinase", "vaccine", "muscle",  "liver",  "glucose", "stem",
                              "protein", "cell",   "therapy", "dose",    "risk",   "gene",    "signal"};

std::string sentence(std::mt19937& rng, int words) {
  std::string text;
  for (int w = 0; w < words; ++w) text += std::string(w ? " " : "") + kWords[rng() % std::size(kWords)];
  return text;
}

// Hits as (id, score) pairs, for comparing whole answers.
std::vector<std::pair<std::string, double>> hits_of(const json& response) {
  std::vector<std::pair<std::string, double>> hits;
  for (const json& h : response["data"]) hits.emplace_back(h["id"].get<std::string>(), h["score"].get<double>());
  return hits;
}

bool same_hits(const std::vector<std::pair<std::string, double>>& a,
               const std::vector<std::pair<std::string, double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first || std::abs(a[i].second - b[i].second) > 1e-5) return false;
  }
  return true;
}

class ServeMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_MODEL("static-a/model.safetensors");
    MOLT_REQUIRE_MODEL("static-b/model.safetensors");
    a_ = (models_dir() / "static-a").string();
    b_ = (models_dir() / "static-b").string();
    db_ = (tmp_ / "db").string();
  }
  void serve() {
    server_ = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--db", db_, "--model", "a=" + a_, "--model", "b=" + b_}, tmp_.path());
  }
  httplib::Result send(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Client c = server_->client();
    return method == "GET" ? c.Get(path) : c.Post(path, body, "application/json");
  }
  json call(const std::string& method, const std::string& path, const std::string& body = "", int status = 200) {
    const httplib::Result r = send(method, path, body);
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    return json::parse(r->body);
  }
  // A collection of `n` documents with model a, written over HTTP.
  void create(const std::string& name, int n) {
    call("POST", "/v1/collections", json({{"name", name}, {"model", "a"}}).dump(), 201);
    std::mt19937 rng(7);
    for (int start = 0; start < n; start += 500) {
      json docs = json::array();
      for (int i = start; i < std::min(n, start + 500); ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "d%05d", i);
        docs.push_back({{"id", id}, {"text", sentence(rng, 10) + "."}});
      }
      call("POST", "/v1/collections/" + name + "/documents", json({{"documents", docs}}).dump());
    }
  }
  json wait_until_run_ends(const std::string& name) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (;;) {
      const json s = call("GET", "/v1/collections/" + name + "/migration");
      if (!s["run"].is_null() && s["run"]["state"] != "running") return s;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the run did not end: " << s.dump();
        return s;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::int64_t collection_id(const std::string& name) {
    store::StoreOptions o;
    o.create = false;
    return store::Store(db_, o).collection(name).id;
  }

  TempDir tmp_;
  std::string a_, b_, db_;
  std::unique_ptr<ServeProcess> server_;
};

TEST_F(ServeMigration, MigratesOverHttpAndSearchesDuringCutoverAndRollbackComeFromOneSpace) {
  constexpr int kDocs = 400;
  serve();
  create("kb", kDocs);
  const std::string m = "/v1/collections/kb/migration";

  // Before any migration: 404 for status and transitions, 404 for an unknown collection.
  EXPECT_EQ(call("GET", m, "", 404)["error"]["code"], "not_found");
  call("POST", m + "/cutover", "", 404);
  call("GET", "/v1/collections/nope/migration", "", 404);
  call("POST", "/v1/collections/nope/migration", R"({"model": "b"})", 404);

  // plan: the dry run, the same figures as `molt migrate plan --json`, nothing written.
  const json plan = call("POST", m + "/plan", R"({"model": "b", "sample": 16})");
  EXPECT_EQ(plan["collection"], "kb");
  EXPECT_EQ(plan["documents"], kDocs);
  EXPECT_EQ(plan["from"]["space"], "a");
  EXPECT_EQ(plan["to"]["space"], "b");
  EXPECT_EQ(plan["to"]["dim"], 768);
  EXPECT_TRUE(plan["resumes"].is_null());
  const ProcessResult cli_plan =
      run_molt({"migrate", "plan", "--db", db_, "--collection", "kb", "--to", b_, "--space", "b", "--sample", "16",
                "--json"});
  ASSERT_EQ(cli_plan.exit_code, 0) << cli_plan.err;
  const json cli = json::parse(cli_plan.out);
  for (const char* key : {"documents", "tokens", "max_tokens", "from"}) EXPECT_EQ(plan[key], cli[key]) << key;
  std::vector<std::string> plan_keys, cli_keys;
  for (const auto& [k, v] : plan.items()) plan_keys.push_back(k);
  for (const auto& [k, v] : cli.items()) cli_keys.push_back(k);
  EXPECT_EQ(plan_keys, cli_keys);
  call("GET", m, "", 404);  // the plan began nothing

  // Bad bodies: 400 naming the field.
  EXPECT_EQ(call("POST", m, R"({"model": "b", "batch_sise": 4})", 400)["error"]["param"], "batch_sise");
  EXPECT_EQ(call("POST", m, R"({})", 400)["error"]["param"], "model");
  EXPECT_EQ(call("POST", m, R"({"model": "zzz"})", 404)["error"]["param"], "model");
  call("POST", m, "not json", 400);

  // Another process holding the collection's run lock (as `molt migrate run` does): 409.
  {
    migrate::RunLock lock(db_, collection_id("kb"), "kb");
    EXPECT_EQ(call("POST", m, R"({"model": "b"})", 409)["error"]["code"], "conflict");
  }

  // start: 202, the status, and where to poll it.
  const httplib::Result started = send("POST", m, R"({"model": "b", "batch_size": 8})");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  EXPECT_EQ(started->get_header_value("Location"), m);
  const json first = json::parse(started->body);
  EXPECT_EQ(first["to"], "b");
  EXPECT_EQ(first["total"], kDocs);
  // A second start while the first runs is 409; once it has ended, a start only resumes
  // (the migration is ready) and is accepted.
  const httplib::Result again = send("POST", m, R"({"model": "b"})");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->status == 409 || again->status == 202) << again->status << " " << again->body;

  const json done = wait_until_run_ends("kb");
  EXPECT_EQ(done["run"]["state"], "done") << done.dump();
  EXPECT_EQ(done["state"], "ready");
  EXPECT_EQ(done["done"], kDocs);
  EXPECT_EQ(done["total"], kDocs);
  EXPECT_EQ(done["running"], false);
  // The same JSON as `molt migrate status --json`, plus this server's "run".
  const ProcessResult cli_status = run_molt({"migrate", "status", "--db", db_, "--collection", "kb", "--json"});
  ASSERT_EQ(cli_status.exit_code, 0) << cli_status.err;
  json without_run = done;
  without_run.erase("run");
  EXPECT_EQ(without_run, json::parse(cli_status.out));

  // verify: integrity, and the A/B comparison with pseudo-queries and with inline labels.
  const json verified = call("POST", m + "/verify", R"({"pseudo_queries": 20, "resamples": 200, "sample": 20})");
  EXPECT_EQ(verified["integrity"]["ok"], true) << verified.dump();
  EXPECT_EQ(verified["integrity"]["vectors"], kDocs);
  ASSERT_TRUE(verified.contains("quality"));
  const json labelled = call("POST", m + "/verify", json({{"queries", {{{"_id", "q1"}, {"text", "vitamin bone"}},
                                                                       {{"_id", "q2"}, {"text", "insulin liver"}}}},
                                                          {"qrels", {{"q1", {{"d00001", 1}}}, {"q2", {{"d00002", 1}}}}},
                                                          {"resamples", 100}})
                                                        .dump());
  EXPECT_EQ(labelled["quality"]["queries"], 2) << labelled.dump();
  // A BEIR folder on the server's machine, and the same labels as two files: the same report.
  const std::filesystem::path beir = tmp_ / "beir";
  std::filesystem::create_directories(beir / "qrels");
  {
    std::ofstream(beir / "queries.jsonl") << R"({"_id": "q1", "text": "vitamin bone"})" "\n"
                                          << R"({"_id": "q2", "text": "insulin liver"})" "\n"
                                          << R"({"_id": "q3", "text": "not judged"})" "\n";
    std::ofstream(beir / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\nq1\td00001\t1\nq2\td00002\t1\n";
  }
  const json from_beir = call("POST", m + "/verify", json({{"beir", beir.string()}, {"resamples", 100}}).dump());
  EXPECT_EQ(from_beir["quality"]["labelled"], true) << from_beir.dump();
  EXPECT_EQ(from_beir["quality"]["queries"], 2);
  const json from_files = call("POST", m + "/verify",
                               json({{"queries", (beir / "queries.jsonl").string()},
                                     {"qrels", (beir / "qrels" / "test.tsv").string()},
                                     {"resamples", 100}})
                                   .dump());
  EXPECT_EQ(from_files["quality"]["metrics"], from_beir["quality"]["metrics"]);
  EXPECT_EQ(from_files["quality"]["metrics"], labelled["quality"]["metrics"]);  // inline, same labels
  EXPECT_EQ(call("POST", m + "/verify", R"({"queries": "q.jsonl"})", 400)["error"]["param"], "qrels");
  call("POST", m + "/verify", json({{"beir", (tmp_ / "no-such-beir").string()}}).dump(), 404);

  // Wrong state: rollback and finalize before cutover are 409; a canary share out of range 400.
  EXPECT_EQ(call("POST", m + "/rollback", "", 409)["error"]["code"], "conflict");
  call("POST", m + "/finalize", "", 409);
  call("POST", m + "/canary", R"({"percent": 101})", 400);
  EXPECT_EQ(call("POST", m + "/canary", R"({"percent": 50})")["state"], "canary");
  EXPECT_EQ(call("POST", m + "/canary", R"({"percent": 0})")["state"], "ready");

  // Each query's answer from either space, computed beforehand.
  std::vector<std::string> queries;
  std::mt19937 rng(11);
  for (int i = 0; i < 16; ++i) queries.push_back(sentence(rng, 3));
  std::map<std::string, std::vector<std::vector<std::pair<std::string, double>>>> expected;
  int differ = 0;
  for (const std::string& q : queries) {
    for (const char* space : {"a", "b"}) {
      expected[space].push_back(
          hits_of(call("POST", "/v1/collections/kb/search", json({{"query", q}, {"k", 10}, {"space", space}}).dump())));
    }
    differ += same_hits(expected["a"].back(), expected["b"].back()) ? 0 : 1;
  }
  ASSERT_GT(differ, 8) << "the two spaces must answer differently for the test to tell them apart";

  // Searches without pause from 4 clients while cutover and rollback alternate.
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, failures{0}, mixed{0}, from_a{0}, from_b{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c = server_->client();
      for (std::size_t i = t; !stop.load(); ++i) {
        const std::size_t qi = i % queries.size();
        const httplib::Result r =
            c.Post("/v1/collections/kb/search", json({{"query", queries[qi]}, {"k", 10}}).dump(), "application/json");
        ++searches;
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        const json j = json::parse(r->body);
        const std::string space = j["space"].is_string() ? j["space"].get<std::string>() : "";
        if ((space != "a" && space != "b") || !same_hits(hits_of(j), expected[space][qi])) {
          ++mixed;
        } else {
          ++(space == "a" ? from_a : from_b);
        }
      }
    });
  }
  constexpr int kRounds = 6;
  // Each side serves for at least 150 ms and until some search has been answered from it,
  // so that both sides answer however slowly the machine runs the clients.
  const auto serve_a_while = [&](const std::atomic<int>& answered_from_side) {
    const int before = answered_from_side.load();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    while (answered_from_side.load() == before && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  for (int round = 0; round < kRounds; ++round) {
    serve_a_while(from_a);
    EXPECT_EQ(call("POST", m + "/cutover")["state"], "cut_over");
    serve_a_while(from_b);
    EXPECT_EQ(call("POST", m + "/rollback")["state"], "ready");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop.store(true);
  for (std::thread& c : clients) c.join();
  std::printf("searches during %d cutovers and rollbacks: %d (%d from a, %d from b), %d failed, %d mixed\n",
              kRounds, searches.load(), from_a.load(), from_b.load(), failures.load(), mixed.load());
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_GT(from_a.load(), 0);
  EXPECT_GT(from_b.load(), 0);
  EXPECT_EQ(from_a.load() + from_b.load(), searches.load());

  // /metrics: the migration's progress and the transitions this server made.
  const httplib::Result metrics = send("GET", "/metrics");
  ASSERT_TRUE(metrics);
  const std::string& text = metrics->body;
  EXPECT_NE(text.find("molt_migration_done_documents{collection=\"kb\",space=\"b\"} 400"), std::string::npos) << text;
  EXPECT_NE(text.find("molt_migration_total_documents{collection=\"kb\",space=\"b\"} 400"), std::string::npos);
  EXPECT_NE(text.find("molt_migration_state{collection=\"kb\",space=\"b\",state=\"ready\"} 1"), std::string::npos);
  EXPECT_NE(text.find("molt_migration_state{collection=\"kb\",space=\"b\",state=\"cut_over\"} 0"), std::string::npos);
  EXPECT_NE(text.find("molt_migration_change_log_lag{collection=\"kb\",space=\"b\"}"), std::string::npos);
  EXPECT_NE(text.find("molt_migration_docs_per_second{collection=\"kb\",space=\"b\"}"), std::string::npos);
  EXPECT_NE(text.find("molt_migration_transitions_total{collection=\"kb\",transition=\"cutover\"} 6"),
            std::string::npos);
  EXPECT_NE(text.find("molt_migration_transitions_total{collection=\"kb\",transition=\"rollback\"} 6"),
            std::string::npos);
  EXPECT_NE(text.find("molt_migration_transitions_total{collection=\"kb\",transition=\"ready\"}"), std::string::npos);

  // finalize after a last cutover: the new space serves alone, no rollback any more.
  call("POST", m + "/cutover");
  EXPECT_EQ(call("POST", m + "/finalize")["state"], "finalized");
  call("POST", m + "/rollback", "", 409);
  const json after = call("POST", "/v1/collections/kb/search", json({{"query", queries[0]}, {"k", 10}}).dump());
  EXPECT_EQ(after["space"], "b");
  EXPECT_TRUE(same_hits(hits_of(after), expected["b"][0]));
}

TEST_F(ServeMigration, SigtermStopsABackgroundRunAtABatchBoundaryAndTheCommandLineResumesIt) {
  constexpr int kDocs = 3000;
  serve();
  create("kb", kDocs);
  const httplib::Result started = send("POST", "/v1/collections/kb/migration", R"({"model": "b", "batch_size": 1})");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  // While it runs (one document per batch: seconds), a second start and a command-line run
  // are refused, and status says a run holds the collection.
  const json second = call("POST", "/v1/collections/kb/migration", R"({"model": "b"})", 409);
  EXPECT_NE(second["error"]["message"].get<std::string>().find("already running"), std::string::npos) << second;
  const ProcessResult cli_run =
      run_molt({"migrate", "run", "--db", db_, "--collection", "kb", "--to", b_, "--space", "b"});
  EXPECT_EQ(cli_run.exit_code, 1) << cli_run.err;
  const json running = call("GET", "/v1/collections/kb/migration");
  EXPECT_EQ(running["running"], true);
  EXPECT_EQ(running["run"]["state"], "running");
  const ProcessResult stopped = server_->terminate();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const ProcessResult status = run_molt({"migrate", "status", "--db", db_, "--collection", "kb", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const json s = json::parse(status.out);
  EXPECT_EQ(s["running"], false);  // the lock went with the server
  std::printf("stopped by SIGTERM at %lld of %d documents (%s)\n", s["done"].get<long long>(), kDocs,
              s["state"].get<std::string>().c_str());
  if (s["state"] == "backfilling") {
    EXPECT_LT(s["done"].get<int>(), kDocs);
  } else {
    EXPECT_EQ(s["state"], "ready");  // a fast machine finished first
  }

  const ProcessResult resumed =
      run_molt({"migrate", "run", "--db", db_, "--collection", "kb", "--to", b_, "--space", "b", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(json::parse(resumed.out)["state"], "ready");
  const ProcessResult verified = run_molt({"migrate", "verify", "--db", db_, "--collection", "kb", "--json",
                                           "--pseudo-queries", "10", "--resamples", "100", "--sample", "10"});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(json::parse(verified.out)["integrity"]["ok"], true);
}

TEST(ServeWithoutStore, CollectionAndMigrationRoutesSayTheyNeedDb) {
  MOLT_REQUIRE_MODEL("static-a/model.safetensors");
  TempDir tmp;
  ServeProcess server({"--model", "a=" + (models_dir() / "static-a").string()}, tmp.path());
  httplib::Client c = server.client();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/collections"},
           {"POST", "/v1/collections"},
           {"GET", "/v1/collections/kb"},
           {"POST", "/v1/collections/kb/search"},
           {"POST", "/v1/collections/kb/migration"},
           {"GET", "/v1/collections/kb/migration"},
           {"POST", "/v1/collections/kb/migration/cutover"},
           {"GET", "/v1/aliases"}}) {
    const httplib::Result r = method == "GET" ? c.Get(path) : c.Post(path, "{}", "application/json");
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << method << " " << path;
    const json e = json::parse(r->body);
    EXPECT_EQ(e["error"]["code"], "no_store") << path;
    EXPECT_NE(e["error"]["message"].get<std::string>().find("--db"), std::string::npos);
  }
  // --help says so.
  const ProcessResult help = run_molt({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* words : {"/v1/collections/{c}/migration", "no_store", "embeddings only"}) {
    EXPECT_NE(help.out.find(words), std::string::npos) << words;
  }
  // The embedding routes work without a store.
  const httplib::Result r = c.Post("/v1/embeddings", R"({"input": "vitamin", "model": "a"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

}  // namespace
}  // namespace molt::test
