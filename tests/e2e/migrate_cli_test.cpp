// `molt migrate` end to end with two real models (../shared/models/static-a, 384-d, and
// static-b, 768-d): plan changes nothing; a broken model or a --dim above the model's width
// fails before anything is touched (exit 2); run fills the new space; a second concurrent
// run is refused; Ctrl-C stops at a batch boundary and the same command resumes; canary
// routes each query to one side and counts; cutover, rollback (exactly the old results)
// and finalize; abort drops a new space that does not serve; --prefix migrates several
// collections, and --all-collections carries on past a collection that fails.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

std::string corpus(int n, unsigned seed) {
  static const char* const kWords[] = {"vitamin", "bone",   "insulin", "tumor",  "immune", "brain",  "sleep",
                                       "heart",   "kinase", "vaccine", "muscle", "liver",  "glucose", "stem",
                                       "protein", "cell",   "therapy", "dose",   "risk",   "gene",   "signal"};
  std::mt19937 rng(seed);
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 10; ++w) text += std::string(w ? " " : "") + kWords[rng() % std::size(kWords)];
    char id[16];
    std::snprintf(id, sizeof id, "d%05d", i);
    out += nlohmann::json({{"id", id}, {"text", text + "."}}).dump() + "\n";
  }
  return out;
}

class MigrateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_MODEL("static-a/model.safetensors");
    MOLT_REQUIRE_MODEL("static-b/model.safetensors");
    a_ = (models_dir() / "static-a").string();
    b_ = (models_dir() / "static-b").string();
    db_ = (tmp_ / "db").string();
  }
  ProcessResult molt(const std::vector<std::string>& args, const std::string& in = {}) {
    ProcessOptions o;
    o.stdin_data = in;
    return run_molt(args, o);
  }
  void ingest(const std::string& collection, int n) {
    const auto r = molt({"ingest", "--db", db_, "--collection", collection, "--create", "--model", a_, "--summary"},
                        corpus(n, 1));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<std::string> migrate(const std::string& sub, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"migrate", sub, "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  nlohmann::json status(const std::string& collection) {
    const auto r = molt(migrate("status", {"--collection", collection, "--json"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  BackgroundProcess start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {molt_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return BackgroundProcess(argv, {}, tmp_.path());
  }
  // The status once a run holds the collection and has written some vectors (or the last
  // one seen when a minute passes without).
  nlohmann::json wait_until_running(const std::string& collection) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    nlohmann::json s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto r = molt(migrate("status", {"--collection", collection, "--json"}));
      if (r.exit_code == 0) {
        s = nlohmann::json::parse(r.out);
        if (s["running"] == true && s["done"].get<int>() > 0) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return s;
  }
  std::string collections() { return molt({"collections", "--db", db_, "--json"}).out; }
  std::string search(const std::string& q, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"search", "--db", db_, "--collection", "kb", "--k", "5", q};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = molt(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir tmp_;
  std::string a_, b_, db_;
};

TEST_F(MigrateCli, EveryCommandHasHelp) {
  for (const char* sub : {"plan", "run", "status", "verify", "canary", "cutover", "rollback", "finalize", "abort"}) {
    const auto r = molt({"migrate", sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("--db"), std::string::npos) << sub;
  }
  EXPECT_NE(molt({"migrate", "--help"}).out.find("cutover"), std::string::npos);
}

TEST_F(MigrateCli, PlanChangesNothingAndBadTargetsTouchNothing) {
  ingest("kb", 120);
  const std::string before = collections();
  const auto plan = molt(migrate("plan", {"--collection", "kb", "--to", b_, "--json"}));
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  const auto p = nlohmann::json::parse(plan.out);
  EXPECT_EQ(p["documents"], 120);
  EXPECT_GT(p["tokens"].get<int>(), 120 * 10);
  EXPECT_EQ(p["from"]["dim"], 384);
  EXPECT_EQ(p["to"]["dim"], 768);
  EXPECT_GT(p["estimated_seconds"].get<double>(), 0.0);
  EXPECT_GT(p["bytes_new_space"].get<double>(), 120 * 768 * 4);
  EXPECT_EQ(collections(), before);

  // A broken model folder, and a --dim above the model's width: exit 2, nothing touched.
  const auto broken = tmp_ / "broken";
  std::filesystem::create_directories(broken);
  std::ofstream(broken / "config.json") << "{ not json";
  for (const char* sub : {"plan", "run"}) {
    const auto r1 = molt(migrate(sub, {"--collection", "kb", "--to", broken.string()}));
    EXPECT_EQ(r1.exit_code, 2) << sub << r1.err;
    EXPECT_NE(r1.err.find("molt: error:"), std::string::npos);
    const auto r2 = molt(migrate(sub, {"--collection", "kb", "--to", b_, "--dim", "1024"}));
    EXPECT_EQ(r2.exit_code, 2) << sub << r2.err;
    EXPECT_NE(r2.err.find("--dim 1024"), std::string::npos) << r2.err;
  }
  EXPECT_EQ(collections(), before);
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "db" / "migrations"));
}

TEST_F(MigrateCli, CtrlCStopsAtABatchAndTheSameCommandResumesASecondRunIsRefused) {
  ingest("kb", 400);
  // Paced, so that the run is still going when the second run and the Ctrl-C come.
  const auto args =
      migrate("run", {"--collection", "kb", "--to", b_, "--batch-size", "1", "--max-rate", "100", "--json"});
  BackgroundProcess first = start(args);
  nlohmann::json s = wait_until_running("kb");
  ASSERT_EQ(s["running"], true);
  EXPECT_EQ(s["state"], "backfilling");

  const auto second = molt(args);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_NE(second.err.find("already running"), std::string::npos) << second.err;

  first.signal(SIGINT);
  const ProcessResult stopped = first.wait();
  ASSERT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("resume"), std::string::npos);
  const auto out = parse_jsonl(stopped.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["stopped"], true);
  const int done_first = out[0]["embedded"];
  s = status("kb");
  EXPECT_EQ(s["state"], "backfilling");
  EXPECT_EQ(s["running"], false);
  EXPECT_LT(s["done"].get<int>(), 400);

  const auto rest = molt(migrate("run", {"--collection", "kb", "--to", b_, "--json"}));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  const auto r = nlohmann::json::parse(rest.out);
  EXPECT_EQ(r["state"], "ready");
  // The resumed run embedded only what the first had not.
  EXPECT_EQ(r["embedded"].get<int>() + done_first, 400);
  s = status("kb");
  EXPECT_EQ(s["done"], 400);
  EXPECT_EQ(s["total"], 400);
}

TEST_F(MigrateCli, CanaryCutoverRollbackFinalize) {
  ingest("kb", 200);
  ASSERT_EQ(molt(migrate("run", {"--collection", "kb", "--to", b_})).exit_code, 0);
  EXPECT_EQ(molt(migrate("finalize", {"--collection", "kb"})).exit_code, 1);  // before cutover
  EXPECT_EQ(molt(migrate("rollback", {"--collection", "kb"})).exit_code, 1);

  std::vector<std::string> queries;
  for (int i = 0; i < 6; ++i) queries.push_back("insulin and glucose in muscle " + std::to_string(i));
  std::map<std::string, std::string> old_results;
  for (const std::string& q : queries) old_results[q] = search(q);

  // Canary: each query lands on one side, always the same; the counts add up.
  ASSERT_EQ(molt(migrate("canary", {"--collection", "kb", "--percent", "50"})).exit_code, 0);
  for (const std::string& q : queries) {
    const std::string first = search(q);
    EXPECT_EQ(search(q), first);
    const std::string on_old = search(q, {"--space", "static-a"});
    const std::string on_new = search(q, {"--space", "static-b"});
    EXPECT_TRUE(first == on_old || first == on_new) << q;
  }
  nlohmann::json s = status("kb");
  EXPECT_EQ(s["state"], "canary");
  EXPECT_EQ(s["canary"]["old_searches"].get<int>() + s["canary"]["new_searches"].get<int>(), 12);
  EXPECT_GT(s["canary"]["new_searches"].get<int>(), 0);
  EXPECT_GT(s["canary"]["old_searches"].get<int>(), 0);

  // Cutover: the new space serves.
  ASSERT_EQ(molt(migrate("cutover", {"--collection", "kb"})).exit_code, 0);
  EXPECT_EQ(status("kb")["state"], "cut_over");
  for (const std::string& q : queries) EXPECT_EQ(search(q), search(q, {"--space", "static-b"}));
  EXPECT_NE(search(queries[0]), old_results[queries[0]]);
  // Rollback: exactly the old results.
  ASSERT_EQ(molt(migrate("rollback", {"--collection", "kb"})).exit_code, 0);
  EXPECT_EQ(status("kb")["state"], "ready");
  for (const std::string& q : queries) EXPECT_EQ(search(q), old_results[q]) << q;
  // Cutover again and finalize: the old space is gone, no way back.
  ASSERT_EQ(molt(migrate("cutover", {"--collection", "kb"})).exit_code, 0);
  const auto fin = molt(migrate("finalize", {"--collection", "kb", "--json"}));
  ASSERT_EQ(fin.exit_code, 0) << fin.err;
  EXPECT_EQ(nlohmann::json::parse(fin.out)["state"], "finalized");
  const auto c = nlohmann::json::parse(collections());
  ASSERT_EQ(c["collections"][0]["spaces"].size(), 1u);
  EXPECT_EQ(c["collections"][0]["spaces"][0]["name"], "static-b");
  EXPECT_EQ(molt(migrate("rollback", {"--collection", "kb"})).exit_code, 1);
}

TEST_F(MigrateCli, VerifyWithoutLabelsUsesPseudoQueries) {
  ingest("kb", 150);
  ASSERT_EQ(molt(migrate("run", {"--collection", "kb", "--to", b_})).exit_code, 0);
  const std::string report = (tmp_ / "report").string();
  const auto r = molt(migrate("verify", {"--collection", "kb", "--json", "--report", report, "--pseudo-queries", "40",
                                         "--resamples", "500"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["integrity"]["ok"], true);
  EXPECT_EQ(j["integrity"]["vectors"], 150);
  EXPECT_EQ(j["integrity"]["sampled"], 100);
  EXPECT_EQ(j["quality"]["labelled"], false);
  EXPECT_EQ(j["quality"]["queries"], 40);
  ASSERT_EQ(j["quality"]["metrics"].size(), 4u);
  const auto& ndcg = j["quality"]["metrics"][0];
  EXPECT_EQ(ndcg["name"], "ndcg@10");
  EXPECT_LE(ndcg["ci95"][0].get<double>(), ndcg["difference"].get<double>());
  EXPECT_GE(ndcg["ci95"][1].get<double>(), ndcg["difference"].get<double>());
  const double overlap = j["quality"]["top10_overlap"];
  EXPECT_GE(overlap, 0.0);
  EXPECT_LE(overlap, 1.0);
  EXPECT_EQ(j["quality"]["per_query"].size(), 40u);
  // Both reports are written, and the JSON file is the one printed.
  EXPECT_TRUE(std::filesystem::exists(report + ".md"));
  std::ifstream in(report + ".json");
  nlohmann::json file;
  in >> file;
  EXPECT_EQ(file["integrity"], j["integrity"]);
}

TEST_F(MigrateCli, PrefixMigratesSeveralCollections) {
  ingest("char-alice", 40);
  ingest("char-bob", 40);
  ingest("other", 40);
  const auto r = molt(migrate("run", {"--prefix", "char-", "--to", b_, "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = parse_jsonl(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["collection"], "char-alice");
  EXPECT_EQ(lines[1]["collection"], "char-bob");
  EXPECT_EQ(status("char-bob")["state"], "ready");
  EXPECT_EQ(molt(migrate("status", {"--collection", "other"})).exit_code, 2);
  ASSERT_EQ(molt(migrate("cutover", {"--prefix", "char-"})).exit_code, 0);
  const auto all = molt(migrate("status", {"--all-collections", "--json"}));
  EXPECT_EQ(all.exit_code, 2);  // "other" has no migration
  EXPECT_EQ(status("char-alice")["state"], "cut_over");
  EXPECT_EQ(molt(migrate("status", {"--prefix", "nobody"})).exit_code, 2);
}

TEST_F(MigrateCli, AbortDropsTheNewSpaceBeforeCutoverOnly) {
  ingest("kb", 400);
  std::vector<std::string> queries = {"insulin and glucose in muscle", "vitamin dose and bone risk"};
  std::map<std::string, std::string> old_results;
  for (const std::string& q : queries) old_results[q] = search(q);
  // The collections as `molt collections` lists them, less the change log's position.
  const auto spaces = [&] {
    nlohmann::json c = nlohmann::json::parse(collections());
    c.erase("last_seq");
    return c;
  };
  const nlohmann::json before = spaces();

  // While a run fills the space, abort is refused; once it stopped, abort drops it.
  const auto args = migrate("run", {"--collection", "kb", "--to", b_, "--batch-size", "1", "--max-rate", "100"});
  BackgroundProcess run = start(args);
  const nlohmann::json s = wait_until_running("kb");
  ASSERT_EQ(s["running"], true);
  const auto busy = molt(migrate("abort", {"--collection", "kb"}));
  EXPECT_EQ(busy.exit_code, 1) << busy.err;
  EXPECT_NE(busy.err.find("already running"), std::string::npos) << busy.err;
  run.signal(SIGINT);
  ASSERT_EQ(run.wait().exit_code, 130);

  const auto wrong = molt(migrate("abort", {"--collection", "kb", "--space", "static-a"}));
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  const auto aborted = molt(migrate("abort", {"--collection", "kb", "--space", "static-b", "--json"}));
  ASSERT_EQ(aborted.exit_code, 0) << aborted.err;
  const auto a = nlohmann::json::parse(aborted.out);
  EXPECT_EQ(a["aborted"], "static-b");
  EXPECT_EQ(a["was"], "backfilling");
  EXPECT_EQ(a["serving"], "static-a");
  EXPECT_EQ(spaces(), before);  // the space, its vectors and the record are gone
  EXPECT_EQ(molt(migrate("status", {"--collection", "kb"})).exit_code, 2);
  for (const std::string& q : queries) EXPECT_EQ(search(q), old_results[q]) << q;

  // After a cutover: refused, roll back first; then abort goes through.
  ASSERT_EQ(molt(migrate("run", {"--collection", "kb", "--to", b_})).exit_code, 0);
  ASSERT_EQ(molt(migrate("cutover", {"--collection", "kb"})).exit_code, 0);
  const auto served = molt(migrate("abort", {"--collection", "kb"}));
  EXPECT_EQ(served.exit_code, 1);
  EXPECT_NE(served.err.find("roll back first"), std::string::npos) << served.err;
  ASSERT_EQ(molt(migrate("rollback", {"--collection", "kb"})).exit_code, 0);
  const auto text = molt(migrate("abort", {"--collection", "kb"}));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("dropped space static-b (ready"), std::string::npos) << text.out;
  EXPECT_EQ(spaces(), before);
  for (const std::string& q : queries) EXPECT_EQ(search(q), old_results[q]) << q;
}

TEST_F(MigrateCli, SeveralCollectionsCarryOnPastOneThatFails) {
  ingest("a", 30);
  ingest("b", 30);
  ingest("c", 30);
  // b is already served by static-b: run refuses it (bad input, 2) and migrates a and c.
  ASSERT_EQ(molt(migrate("run", {"--collection", "b", "--to", b_})).exit_code, 0);
  ASSERT_EQ(molt(migrate("cutover", {"--collection", "b"})).exit_code, 0);
  ASSERT_EQ(molt(migrate("finalize", {"--collection", "b"})).exit_code, 0);
  const auto run = molt(migrate("run", {"--all-collections", "--to", b_, "--json"}));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("1 of 3 collections failed: b"), std::string::npos) << run.err;
  const auto lines = parse_jsonl(run.out);
  ASSERT_EQ(lines.size(), 3u) << run.out;
  EXPECT_EQ(lines[0]["collection"], "a");
  EXPECT_EQ(lines[0]["state"], "ready");
  EXPECT_EQ(lines[1]["collection"], "b");
  EXPECT_EQ(lines[1]["ok"], false);
  EXPECT_EQ(lines[1]["error"]["kind"], "usage");
  EXPECT_EQ(lines[1]["error"]["exit_code"], 2);
  EXPECT_NE(lines[1]["error"]["message"].get<std::string>().find("already served"), std::string::npos);
  EXPECT_EQ(lines[2]["collection"], "c");
  EXPECT_EQ(lines[2]["state"], "ready");
  EXPECT_EQ(status("c")["state"], "ready");

  // A refused state (conflict, 1) in text: a is cut over, b (finalized) and c (ready) are
  // refused by finalize; a still goes through.
  ASSERT_EQ(molt(migrate("cutover", {"--collection", "a"})).exit_code, 0);
  const auto fin = molt(migrate("finalize", {"--all-collections"}));
  EXPECT_EQ(fin.exit_code, 1) << fin.err;
  EXPECT_NE(fin.out.find("collection a: finalized"), std::string::npos) << fin.out;
  EXPECT_NE(fin.out.find("collection b: failed (conflict): finalize refused"), std::string::npos) << fin.out;
  EXPECT_NE(fin.out.find("collection c: failed (conflict): finalize refused"), std::string::npos) << fin.out;
  EXPECT_NE(fin.err.find("2 of 3 collections failed: b, c"), std::string::npos) << fin.err;
  EXPECT_EQ(status("a")["state"], "finalized");
  EXPECT_EQ(status("c")["state"], "ready");
  // Failures of different codes: 1.
  const auto mixed = molt(migrate("canary", {"--all-collections", "--percent", "10", "--json"}));
  ASSERT_EQ(parse_jsonl(mixed.out).size(), 3u);
  EXPECT_EQ(mixed.exit_code, 1);  // a, b refused (conflict); c canary
  EXPECT_EQ(status("c")["state"], "canary");
  // One collection by name: its error as ever, no report line.
  const auto one = molt(migrate("finalize", {"--collection", "c"}));
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_TRUE(one.out.empty()) << one.out;
}

}  // namespace
}  // namespace molt::test
