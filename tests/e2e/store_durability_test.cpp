// Durability of the store under SIGKILL: `molt ingest` is killed at 20 random moments (from
// opening the store to saving its vector index), each round writing new documents and
// updating documents of the round before. After every kill the store is reopened and:
//   - every write that was acknowledged (its line printed) is present;
//   - no batch is half-present: a round's new documents are a whole number of batches,
//     and each batch of updates is applied to all of its documents or to none;
//   - every present document is whole: its text, metadata, vector and keyword-index entry
//     all belong to the same version;
//   - PRAGMA integrity_check is ok, the FTS5 index is sound, and every vector index (loaded
//     from its file or rebuilt) agrees with the stored vectors.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/store/store.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

constexpr std::size_t kDurabilityDim = 16;
constexpr std::size_t kBatch = 50;
constexpr std::size_t kNewPerRound = 500;
constexpr std::size_t kUpdatesPerRound = 100;
constexpr int kRounds = 20;

std::vector<float> vector_of(const std::string& id, int version) {
  std::seed_seq seed(id.begin(), id.end());
  std::mt19937 rng(seed);
  rng.discard(static_cast<unsigned long long>(version) * 7);
  std::normal_distribution<float> g;
  std::vector<float> v(kDurabilityDim);
  for (float& x : v) x = g(rng);
  return v;
}

// A word no other document version uses, for checking the keyword index.
std::string marker_of(const std::string& id, int version) {
  std::string m = "mark";
  for (const char c : id) m += std::isalnum(static_cast<unsigned char>(c)) ? c : 'x';
  return m + "v" + std::to_string(version);
}

std::string text_of(const std::string& id, int version) {
  return "document " + id + " version " + std::to_string(version) + " about cells and proteins " + marker_of(id, version);
}

struct Round {
  std::vector<std::string> new_ids;
  std::vector<std::string> updated_ids;  // acknowledged ids of the round before
  std::string input;
};

Round make_round(int r, const std::vector<std::string>& acked_before) {
  Round round;
  std::string input;
  auto line = [&](const std::string& id) {
    nlohmann::json j = {{"id", id}, {"text", text_of(id, r)}, {"metadata", {{"v", r}}}, {"vector", vector_of(id, r)}};
    input += j.dump() + "\n";
  };
  for (std::size_t i = 0; i < kNewPerRound; ++i) {
    round.new_ids.push_back("r" + std::to_string(r) + "-" + std::to_string(i));
    line(round.new_ids.back());
  }
  for (std::size_t i = 0; i < std::min(kUpdatesPerRound, acked_before.size()); ++i) {
    round.updated_ids.push_back(acked_before[i]);
    line(acked_before[i]);
  }
  round.input = input;
  return round;
}

// The ids of complete acknowledgment lines.
std::vector<std::string> acked_ids(const std::string& out) {
  std::vector<std::string> ids;
  for (const nlohmann::json& j : parse_jsonl(out)) ids.push_back(j.at("id").get<std::string>());
  return ids;
}

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

class Verifier {
 public:
  explicit Verifier(std::filesystem::path db) : db_(std::move(db)) {}

  // Checks everything after round `r` was killed (or finished).
  void check(int r, const std::vector<Round>& rounds, const std::map<std::string, int>& acked_version) {
    if (!std::filesystem::exists(db_ / "molt.db")) {
      ASSERT_TRUE(acked_version.empty()) << "acknowledged writes but no store";
      return;
    }
    store::Store s(db_);
    if (!s.find_collection("c")) {
      ASSERT_TRUE(acked_version.empty()) << "acknowledged writes but no collection";
      return;
    }
    const store::StoreCheck check = s.check();
    ASSERT_EQ(check.sqlite, std::vector<std::string>{"ok"}) << "round " << r;
    ASSERT_TRUE(check.ok()) << "round " << r << ": keyword index "
                            << (check.collections.empty() ? "?" : check.collections[0].keyword_index_error);
    ASSERT_EQ(check.collections.size(), 1u);
    for (const store::SpaceCheck& sc : check.collections[0].spaces) {
      EXPECT_TRUE(sc.index.ok()) << "round " << r << ": index of " << sc.space << " disagrees: " << sc.index.missing
                                 << " missing, " << sc.index.extra << " extra, " << sc.index.mismatched << " mismatched";
    }

    // Every document as stored.
    std::map<std::string, store::Document> docs;
    const auto c = s.collection("c");
    if (c.spaces.empty()) {
      ASSERT_TRUE(acked_version.empty());
      return;
    }
    s.for_each_document("c", {.space = c.spaces[0].name()}, {}, [&](store::Document& d) { docs.emplace(d.id, d); });

    // Acknowledged writes are present, at their version or a later one.
    for (const auto& [id, version] : acked_version) {
      const auto it = docs.find(id);
      ASSERT_NE(it, docs.end()) << "round " << r << ": acknowledged " << id << " is missing";
      EXPECT_GE(it->second.metadata.at("v").get<int>(), version) << id;
    }
    // Every document is whole: text, metadata and vector of one version.
    for (const auto& [id, d] : docs) {
      const int v = d.metadata.at("v").get<int>();
      ASSERT_EQ(d.text, text_of(id, v)) << "round " << r << ": " << id;
      ASSERT_EQ(d.vector, vector_of(id, v)) << "round " << r << ": " << id;
      ASSERT_EQ(d.vector_seq, d.seq) << id;
    }
    // No batch is half-present.
    for (int q = 0; q <= r; ++q) {
      const Round& round = rounds[static_cast<std::size_t>(q)];
      std::size_t present = 0;
      while (present < round.new_ids.size() && docs.count(round.new_ids[present])) ++present;
      for (std::size_t i = present; i < round.new_ids.size(); ++i) {
        ASSERT_EQ(docs.count(round.new_ids[i]), 0u) << "round " << q << ": new documents are not a prefix";
      }
      ASSERT_EQ(present % kBatch, 0u) << "round " << q << ": " << present << " new documents, not whole batches";
      for (std::size_t b = 0; b < round.updated_ids.size(); b += kBatch) {
        std::size_t applied = 0, n = 0;
        for (std::size_t i = b; i < std::min(b + kBatch, round.updated_ids.size()); ++i, ++n) {
          applied += docs.at(round.updated_ids[i]).metadata.at("v").get<int>() >= q;
        }
        ASSERT_TRUE(applied == 0 || applied == n) << "round " << q << ": update batch half applied";
      }
    }
    // The keyword index finds a sample of documents by their version's unique word.
    std::size_t i = 0;
    for (const auto& [id, d] : docs) {
      if (i++ % 37 != 0) continue;
      store::SearchRequest q;
      q.collection = "c";
      q.mode = store::SearchMode::kBm25;
      q.text = marker_of(id, d.metadata.at("v").get<int>());
      const auto hits = s.search(q).hits;
      ASSERT_EQ(hits.size(), 1u) << id;
      EXPECT_EQ(hits[0].id, id);
    }
  }

 private:
  std::filesystem::path db_;
};

TEST(StoreDurability, SigkillDuringIngestLosesNoAcknowledgedWrite) {
  TempDir tmp;
  const auto db = tmp / "db";
  std::mt19937 rng(20240607);
  std::vector<Round> rounds;
  std::map<std::string, int> acked_version;
  std::vector<std::string> acked_previous;
  Verifier verifier(db);
  int killed_mid_run = 0;
  for (int r = 0; r < kRounds; ++r) {
    rounds.push_back(make_round(r, acked_previous));
    const Round& round = rounds.back();
    const auto input = tmp / ("round" + std::to_string(r) + ".jsonl");
    std::ofstream(input) << round.input;
    const std::size_t total = round.new_ids.size() + round.updated_ids.size();

    // Wait for a random number of acknowledgments (0 = kill while opening the store,
    // total = kill while the index is being saved), then a random few milliseconds more.
    const std::size_t wait_lines = std::uniform_int_distribution<std::size_t>(0, total)(rng);
    const int extra_ms = std::uniform_int_distribution<int>(0, 40)(rng);
    BackgroundProcess p({molt_binary().string(), "ingest", "--db", db.string(), "--collection", "c", "--create",
                         "--input", input.string(), "--batch-size", std::to_string(kBatch), "--index",
                         "hnsw:M=16,exactBelow=0", "--threads", "1"},
                        {}, tmp.path());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (p.running() && count_lines(p.stdout_text()) < wait_lines && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(extra_ms));
    const bool was_running = p.running();
    p.signal(SIGKILL);
    const ProcessResult result = p.wait();
    if (was_running && result.term_signal == SIGKILL) {
      ++killed_mid_run;
    } else {
      ASSERT_EQ(result.exit_code, 0) << "round " << r << ": " << p.stderr_text();
    }
    acked_previous = acked_ids(p.stdout_text());
    for (const std::string& id : acked_previous) acked_version[id] = r;
    std::cerr << "[ round    ] " << r << ": waited for " << wait_lines << "+" << extra_ms << "ms, "
              << (was_running ? "killed" : "finished") << " after " << acked_previous.size() << "/" << total
              << " acknowledged\n";
    verifier.check(r, rounds, acked_version);
    if (HasFatalFailure()) return;
  }
  std::cerr << "[ figures  ] " << killed_mid_run << " of " << kRounds << " ingests killed mid-run, "
            << acked_version.size() << " documents acknowledged\n";
  EXPECT_GE(killed_mid_run, 15);

  // The CLI agrees: the store checks out and searches work.
  const ProcessResult check = run_molt({"collections", "--db", db.string(), "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  const ProcessResult search = run_molt({"search", "--db", db.string(), "--collection", "c", "--mode", "bm25", "cells"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_EQ(count_lines(search.out), 10u);
}

}  // namespace
}  // namespace molt::test
