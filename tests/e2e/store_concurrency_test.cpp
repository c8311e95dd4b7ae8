// Readers during writes never see half a batch. A writer rewrites every document of a
// collection in one batch per generation (text, metadata and vectors all carry the
// generation); readers search meanwhile, dense (flat and HNSW spaces, each index brought up
// to date by whichever reader gets there first), BM25 and hybrid, and read every document
// in one snapshot. Each answer must come from exactly one generation and hold every
// document. The writer is a thread of this process, then a `molt ingest` process.
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/store/store.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

constexpr std::size_t kDocs = 120;
constexpr std::size_t kDim = 8;

std::string doc_id(std::size_t i) { return "doc" + std::to_string(i); }

std::vector<float> vector_of(std::size_t i, int generation) {
  std::vector<float> v(kDim, 0.0f);
  v[i % kDim] = 1.0f;
  v[(i + 1) % kDim] = 0.5f + 0.001f * static_cast<float>(generation % 100);
  return v;
}

nlohmann::json line_of(std::size_t i, int generation) {
  return {{"id", doc_id(i)},
          {"text", "alpha beta generation " + std::to_string(generation)},
          {"metadata", {{"g", generation}}},
          {"vectors", {{"flat", vector_of(i, generation)}, {"hnsw", vector_of(i, generation)}}}};
}

void create(store::Store& s) {
  s.create_collection("c");
  for (const char* spec : {"flat", "hnsw:M=8,exactBelow=0"}) {
    store::SpaceConfig cfg;
    cfg.name = std::string(spec).substr(0, 4) == "flat" ? "flat" : "hnsw";
    cfg.model_dim = cfg.dim = kDim;
    cfg.index_spec = index::parse_index_spec(spec);
    s.create_space("c", cfg);
  }
  s.set_space_state("c", "hnsw", store::SpaceState::kReady);
}

std::vector<store::DocumentWrite> generation(int g) {
  std::vector<store::DocumentWrite> batch;
  for (std::size_t i = 0; i < kDocs; ++i) {
    store::DocumentWrite d;
    d.id = doc_id(i);
    d.text = "alpha beta generation " + std::to_string(g);
    d.metadata = {{"g", g}};
    d.vectors = {{"flat", vector_of(i, g)}, {"hnsw", vector_of(i, g)}};
    batch.push_back(std::move(d));
  }
  return batch;
}

// Runs reader threads against `db` until `stop`; returns the number of answers checked and
// the distinct generations seen. Every answer must be whole and from one generation.
struct ReaderStats {
  std::atomic<std::size_t> answers{0};
  std::mutex mutex;
  std::set<int> generations;
  std::atomic<bool> failed{false};
  std::string failure;
};

void check_answer(ReaderStats& stats, const std::string& what, const std::vector<int>& gens, std::size_t expected) {
  std::string problem;
  if (gens.size() != expected) {
    problem = what + ": " + std::to_string(gens.size()) + " documents, expected " + std::to_string(expected);
  } else if (!gens.empty() && std::set<int>(gens.begin(), gens.end()).size() != 1) {
    problem = what + ": documents from several generations in one answer";
  }
  std::lock_guard lock(stats.mutex);
  if (!problem.empty() && !stats.failed.exchange(true)) stats.failure = problem;
  if (!gens.empty()) stats.generations.insert(gens.front());
  ++stats.answers;
}

// Waits (at most `limit`) until some reader has answered from generation `g` or a later one.
// The writer calls it after each batch so that the readers, however the machine schedules
// the threads, overlap every write rather than all run after the last one.
void wait_until_seen(ReaderStats& stats, int g, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline && !stats.failed) {
    {
      std::lock_guard lock(stats.mutex);
      if (!stats.generations.empty() && *stats.generations.rbegin() >= g) return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void reader_loop(store::Store& s, ReaderStats& stats, const std::atomic<bool>& stop, unsigned seed) {
  std::mt19937 rng(seed);
  while (!stop && !stats.failed) {
    const int what = std::uniform_int_distribution<int>(0, 4)(rng);
    std::vector<int> gens;
    if (what == 4) {
      s.for_each_document("c", {.space = "hnsw"}, {}, [&](store::Document& d) {
        gens.push_back(d.metadata.at("g").get<int>());
        if (d.vector != vector_of(static_cast<std::size_t>(std::stoi(d.id.substr(3))), gens.back())) gens.push_back(-1);
      });
      check_answer(stats, "snapshot read", gens, kDocs);
      continue;
    }
    store::SearchRequest q;
    q.collection = "c";
    q.k = kDocs;
    q.text = "alpha";
    q.vector = vector_of(std::uniform_int_distribution<std::size_t>(0, kDocs - 1)(rng), 0);
    q.mode = what == 2 ? store::SearchMode::kBm25 : what == 3 ? store::SearchMode::kHybrid : store::SearchMode::kDense;
    q.space = what == 1 ? "hnsw" : "";
    q.exact = what == 1 && (rng() & 1);  // HNSW's graph or its exact scan, alternately
    const store::SearchResult r = s.search(q);
    for (const store::SearchHit& h : r.hits) gens.push_back(h.metadata.at("g").get<int>());
    check_answer(stats, store::search_mode_name(q.mode) + std::string(" search of ") + (q.space.empty() ? "flat" : "hnsw"),
                 gens, kDocs);
  }
}

TEST(StoreConcurrency, ReadersInThreadsNeverSeeHalfABatch) {
  TempDir tmp;
  store::Store s(tmp / "db", {.create = true, .threads = 1});
  create(s);
  s.upsert("c", generation(0));
  std::atomic<bool> stop{false};
  ReaderStats stats;
  std::vector<std::thread> readers;
  for (unsigned t = 0; t < 3; ++t) readers.emplace_back([&, t] { reader_loop(s, stats, stop, t); });
  int g = 1;
  for (; g <= 60 && !stats.failed; ++g) {
    s.upsert("c", generation(g));
    wait_until_seen(stats, g, std::chrono::seconds(10));
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  ASSERT_FALSE(stats.failed) << stats.failure;
  std::cerr << "[ figures  ] " << stats.answers << " answers over " << g - 1 << " generations, "
            << stats.generations.size() << " distinct generations seen\n";
  EXPECT_GE(stats.generations.size(), 3u);
  EXPECT_TRUE(s.check().ok());
}

TEST(StoreConcurrency, ReadersNeverSeeHalfABatchOfAnotherProcess) {
  TempDir tmp;
  const auto db = tmp / "db";
  {
    store::Store s(db, {.create = true});
    create(s);
    s.upsert("c", generation(0));
  }
  std::string input;
  const int generations = 150;
  for (int g = 1; g <= generations; ++g) {
    for (std::size_t i = 0; i < kDocs; ++i) input += line_of(i, g).dump() + "\n";
  }
  std::ofstream(tmp / "in.jsonl") << input;
  store::Store s(db, {.threads = 1});
  std::atomic<bool> stop{false};
  ReaderStats stats;
  std::vector<std::thread> readers;
  for (unsigned t = 0; t < 2; ++t) readers.emplace_back([&, t] { reader_loop(s, stats, stop, 100 + t); });
  // The readers have answered before the writer starts and answer after it ends, so they see
  // at least the first and the last generation however the machine schedules them.
  wait_until_seen(stats, 0, std::chrono::seconds(10));
  // Meanwhile the CLI reads too, from a third process.
  std::size_t cli_answers = 0;
  BackgroundProcess writer({molt_binary().string(), "ingest", "--db", db.string(), "--collection", "c", "--input",
                            (tmp / "in.jsonl").string(), "--batch-size", std::to_string(kDocs), "--summary"},
                           {}, tmp.path());
  while (writer.running() && !stats.failed) {
    const ProcessResult r = run_molt({"search", "--db", db.string(), "--collection", "c", "--mode", "bm25", "--k",
                                      std::to_string(kDocs), "--metadata", "alpha"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<int> gens;
    for (const nlohmann::json& hit : parse_jsonl(r.out)) gens.push_back(hit.at("metadata").at("g").get<int>());
    check_answer(stats, "molt search", gens, kDocs);
    ++cli_answers;
  }
  const ProcessResult w = writer.wait();
  if (w.exit_code == 0) wait_until_seen(stats, generations, std::chrono::seconds(10));
  stop = true;
  for (std::thread& t : readers) t.join();
  ASSERT_EQ(w.exit_code, 0) << w.err;
  ASSERT_FALSE(stats.failed) << stats.failure;
  std::cerr << "[ figures  ] " << stats.answers << " answers (" << cli_answers << " from molt search) during "
            << generations << " generations written by another process, " << stats.generations.size()
            << " distinct generations seen\n";
  EXPECT_GE(stats.generations.size(), 2u);
  EXPECT_TRUE(s.check().ok());
}

}  // namespace
}  // namespace molt::test
