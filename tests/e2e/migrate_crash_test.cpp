// The migration's crash test (issue "Done when"): while a writer in this process upserts
// and deletes documents continuously, `molt migrate run` (another process) is killed with
// SIGKILL at 20 random moments and started again each time, then allowed to finish.
// Afterwards the new space holds exactly one vector per live document, each equal (cosine
// >= 0.99999) to embedding that document's latest text with the new model, none for a
// deleted document; and the old space is bit-identical to a copy taken before the
// migration, except exactly the documents the writer wrote (their latest text, embedded
// with the old model) or deleted (gone).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/store/store.h"
#include "tests/support/process.h"
#include "tests/support/runtime_space_encoder.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

constexpr int kKills = 20;
constexpr std::size_t kDocuments = 6000;

// A text of `n` words from a fixed vocabulary (no two documents alike).
std::string random_text(std::mt19937& rng, int n) {
  static const char* const kWords[] = {
      "protein", "cell",    "tumor",    "gene",     "insulin", "receptor", "vitamin", "bone",    "immune",
      "therapy", "patient", "mouse",    "kinase",   "signal",  "pathway",  "dose",    "trial",   "risk",
      "brain",   "neuron",  "muscle",   "liver",    "heart",   "blood",    "virus",   "vaccine", "enzyme",
      "binding", "express", "mutation", "cohort",   "lipid",   "glucose",  "stress",  "sleep",   "diet",
      "calcium", "cancer",  "stem",     "antibody", "plasma",  "membrane", "channel", "growth",  "repair"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  std::string text;
  for (int i = 0; i < n; ++i) text += std::string(i ? " " : "") + kWords[pick(rng)];
  return text + " " + std::to_string(rng() % 100000);
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// Every document's vector in `space`, by id.
std::map<std::string, std::vector<float>> vectors_of(store::Store& db, const std::string& space) {
  std::map<std::string, std::vector<float>> out;
  store::ScrollRequest request;
  request.space = space;
  request.only_with_vectors = true;
  request.metadata = false;
  db.for_each_document("kb", request, {}, [&](store::Document& d) { out[d.id] = std::move(d.vector); });
  return out;
}

std::int64_t vectors_in_new(store::Store& db) {
  for (const store::CollectionStats& s : db.list_collections()) {
    const auto it = s.vectors.find("static-b");
    if (it != s.vectors.end()) return it->second;
  }
  return 0;
}

// The writer: upserts (new and existing ids) and deletes until told to stop, remembering
// the latest text of every id it touched (nullopt: deleted).
class Writer {
 public:
  Writer(store::Store& db, store::EncoderProvider provider, std::vector<std::string> ids)
      : db_(db), provider_(std::move(provider)), ids_(std::move(ids)) {}

  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  void stop() {
    stop_ = true;
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }
  const std::map<std::string, std::optional<std::string>>& latest() const { return latest_; }
  int operations() const { return operations_; }

 private:
  void loop() {
    try {
      std::mt19937 rng(20261203);
      int next_new = 0;
      while (!stop_) {
        const int op = static_cast<int>(rng() % 10);
        if (op < 7) {
          std::vector<store::DocumentWrite> docs;
          std::set<std::string> seen;
          const int n = 1 + static_cast<int>(rng() % 4);
          for (int i = 0; i < n; ++i) {
            std::string id = op < 5 ? ids_[rng() % ids_.size()] : "new" + std::to_string(next_new++);
            if (!seen.insert(id).second) continue;
            store::DocumentWrite d;
            d.id = id;
            d.text = random_text(rng, 12);
            docs.push_back(std::move(d));
          }
          db_.upsert("kb", docs, provider_);
          for (const store::DocumentWrite& d : docs) {
            latest_[d.id] = d.text;
            if (d.id.starts_with("new")) ids_.push_back(d.id);
          }
        } else {
          std::vector<std::string> gone = {ids_[rng() % ids_.size()]};
          db_.remove("kb", gone);
          latest_[gone[0]] = std::nullopt;
        }
        ++operations_;
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  store::Store& db_;
  store::EncoderProvider provider_;
  std::vector<std::string> ids_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::exception_ptr error_;
  std::map<std::string, std::optional<std::string>> latest_;
  int operations_ = 0;
};

TEST(MigrateCrash, SigkillAtRandomMomentsWhileAWriterWrites) {
  MOLT_REQUIRE_MODEL("static-a/model.safetensors");
  MOLT_REQUIRE_MODEL("static-b/model.safetensors");
  const std::string model_a = (models_dir() / "static-a").string();
  const std::string model_b = (models_dir() / "static-b").string();
  TempDir tmp;
  const std::string dir = (tmp / "db").string();

  std::mt19937 rng(7);
  std::string input;
  std::vector<std::string> ids;
  std::map<std::string, std::string> texts;
  for (std::size_t i = 0; i < kDocuments; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "doc%05zu", i);
    ids.push_back(id);
    texts[id] = random_text(rng, 12);
    input += nlohmann::json({{"id", id}, {"text", texts[id]}}).dump() + "\n";
  }
  ProcessOptions in;
  in.stdin_data = input;
  const auto ingest = run_molt({"ingest", "--db", dir, "--collection", "kb", "--create", "--model", model_a, "--summary",
                                "--no-index"},
                               in);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;

  RuntimeEncoderForTests enc_a(model_a), enc_b(model_b);
  store::Store db(dir);
  store::EncoderProvider provider = [&](const store::SpaceInfo& s) -> store::SpaceEncoder* {
    if (s.config.model_hash == enc_a.identity().hash) return &enc_a;
    if (s.config.model_hash == enc_b.identity().hash) return &enc_b;
    return nullptr;
  };
  const auto old_before = vectors_of(db, "static-a");
  ASSERT_EQ(old_before.size(), kDocuments);

  Writer writer(db, provider, ids);
  writer.start();
  const std::vector<std::string> run = {molt_binary().string(), "migrate", "run", "--db", dir, "--collection", "kb",
                                        "--to", model_b, "--batch-size", "8"};
  int kills = 0;
  std::string progress;
  // Kill moments are drawn in backfill progress, not time, so that every kill lands in a
  // run at work whatever the machine's speed: most after the new space has reached a random
  // number of vectors (spread so the 20 kills span the backfill), some at a random instant
  // of the first 40 ms (model loading, the space's creation).
  for (int round = 0; round < kKills; ++round) {
    BackgroundProcess p(run, {}, tmp.path());
    const std::int64_t done = vectors_in_new(db);
    const std::int64_t step = std::max<std::int64_t>(2, 2 * (static_cast<std::int64_t>(kDocuments) - done) /
                                                            (kKills - round + 1));
    const std::int64_t target = done + std::uniform_int_distribution<std::int64_t>(1, step)(rng);
    const bool early = rng() % 5 == 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    if (early) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 40));
    } else {
      while (p.running() && vectors_in_new(db) < target && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 5000));
    }
    const bool was_running = p.running();
    p.signal(SIGKILL);
    const ProcessResult r = p.wait();
    if (was_running && r.term_signal == SIGKILL) ++kills;
    ASSERT_TRUE(r.term_signal == SIGKILL || r.exit_code == 0) << r.err;
    progress += " " + std::to_string(vectors_in_new(db));
  }
  std::cerr << "[ kills    ] new-space vectors after each kill:" << progress << "\n";
  // Every kill must have hit a run in progress, else the corpus is too small for this machine.
  EXPECT_EQ(kills, kKills);
  const auto last = run_process(run);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the writer keeps writing after ready
  writer.stop();
  std::cerr << "[ writer   ] " << writer.operations() << " operations on " << writer.latest().size() << " ids\n";

  // The live documents and their latest texts.
  std::map<std::string, std::string> live = texts;
  for (const auto& [id, text] : writer.latest()) {
    if (text) {
      live[id] = *text;
    } else {
      live.erase(id);
    }
  }
  const store::CollectionInfo c = db.collection("kb");
  ASSERT_NE(c.find_space("static-b"), nullptr);
  EXPECT_EQ(c.find_space("static-b")->state, store::SpaceState::kReady);
  EXPECT_EQ(db.count("kb"), static_cast<std::int64_t>(live.size()));

  // New space: one vector per live document, none else, each the new model's embedding of
  // the latest text.
  const auto new_vectors = vectors_of(db, "static-b");
  ASSERT_EQ(new_vectors.size(), live.size());
  std::vector<std::string> live_ids, live_texts;
  for (const auto& [id, text] : live) {
    live_ids.push_back(id);
    live_texts.push_back(text);
  }
  const store::EmbedRequest request_b = store::embed_request(*c.find_space("static-b"), store::EmbedRole::kDocument);
  const std::vector<float> expected_b = enc_b.embed(live_texts, request_b);
  double worst = 1.0;
  for (std::size_t i = 0; i < live_ids.size(); ++i) {
    const auto it = new_vectors.find(live_ids[i]);
    ASSERT_NE(it, new_vectors.end()) << live_ids[i];
    const std::vector<float> want(expected_b.begin() + i * 768, expected_b.begin() + (i + 1) * 768);
    worst = std::min(worst, cosine(it->second, want));
  }
  EXPECT_GE(worst, 0.99999);

  // Old space: the copy from before, plus exactly the writer's changes.
  const auto old_after = vectors_of(db, "static-a");
  ASSERT_EQ(old_after.size(), live.size());
  const store::EmbedRequest request_a = store::embed_request(*c.find_space("static-a"), store::EmbedRole::kDocument);
  std::size_t untouched = 0, rewritten = 0;
  for (const auto& [id, text] : live) {
    const auto it = old_after.find(id);
    ASSERT_NE(it, old_after.end()) << id;
    if (writer.latest().count(id) == 0) {
      EXPECT_EQ(it->second, old_before.at(id)) << id;
      ++untouched;
    } else {
      const std::vector<std::string> one = {text};
      EXPECT_GE(cosine(it->second, enc_a.embed(one, request_a)), 0.99999) << id;
      ++rewritten;
    }
  }
  std::cerr << "[ checked  ] " << live.size() << " live documents: " << untouched << " untouched, " << rewritten
            << " rewritten by the writer; worst cosine in the new space " << worst << "\n";
  EXPECT_GT(rewritten, 0u);
  EXPECT_TRUE(db.check("kb").ok());
}

}  // namespace
}  // namespace molt::test
