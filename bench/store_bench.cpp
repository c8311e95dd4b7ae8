// Speed of the store: inserting documents (SQLite rows, FTS5 postings, change log, one fsync'd
// transaction per batch), building the vector index of a space, and searching at SciFact's
// size (5,183 documents; SciFact's own texts when ../shared has them) with MiniLM's and
// BERT-base's widths: dense exact and HNSW (with recall@10 against exact as a counter),
// filtered dense, BM25 and hybrid, one query per call as a server would issue them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "molt/formats/npy.h"
#include "molt/index/hnsw_index.h"
#include "molt/index/index_spec.h"
#include "molt/index/flat_index.h"
#include "molt/store/store.h"

namespace {

namespace fs = std::filesystem;
using molt::store::DocumentWrite;
using molt::store::SearchMode;
using molt::store::SearchRequest;
using molt::store::Store;

constexpr std::size_t kSciFactDocs = 5183;

fs::path data_dir() {
  const char* env = std::getenv("MOLT_TEST_DATA");
  return env != nullptr && *env != '\0' ? fs::path(env) : fs::path(MOLT_SOURCE_DIR).parent_path() / "shared" / "data";
}

// SciFact's texts (title + text), or synthetic ones of similar length without ../shared.
std::vector<std::string> texts(std::size_t n) {
  std::vector<std::string> out;
  std::ifstream in(data_dir() / "beir" / "scifact" / "corpus.jsonl");
  std::string line;
  while (out.size() < n && std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back(j.value("title", "") + " " + j.value("text", ""));
  }
  static const char* const kWords[] = {"protein", "cells", "growth", "cancer", "the", "of", "gene", "expression",
                                       "insulin", "receptor", "mice", "patients", "risk", "blood", "brain", "trial"};
  std::mt19937 rng(1);
  while (out.size() < n) {
    std::string t;
    for (int w = 0; w < 200; ++w) t += std::string(kWords[rng() % 16]) + " ";
    out.push_back(t);
  }
  return out;
}

// Embedding-like vectors: unit vectors around a few hundred topic centres.
std::vector<float> clustered(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> centres(300 * dim);
  for (float& c : centres) c = g(rng);
  std::vector<float> x(n * dim);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = rng() % 300;
    double ss = 0;
    for (std::size_t j = 0; j < dim; ++j) {
      x[i * dim + j] = centres[c * dim + j] + 0.8f * g(rng);
      ss += double(x[i * dim + j]) * x[i * dim + j];
    }
    for (std::size_t j = 0; j < dim; ++j) x[i * dim + j] = static_cast<float>(x[i * dim + j] / std::sqrt(ss));
  }
  return x;
}

std::vector<DocumentWrite> documents(std::size_t first, std::size_t n, std::size_t dim, const std::vector<std::string>& text,
                                     const std::vector<float>& vectors) {
  std::vector<DocumentWrite> out;
  for (std::size_t i = first; i < first + n; ++i) {
    DocumentWrite d;
    d.id = "doc" + std::to_string(i);
    d.text = text[i % text.size()];
    d.metadata = {{"year", 2010 + static_cast<int>(i % 10)}};
    const std::size_t row = i % (vectors.size() / dim);
    d.vectors["v"].assign(vectors.begin() + row * dim, vectors.begin() + (row + 1) * dim);
    out.push_back(std::move(d));
  }
  return out;
}

molt::store::SpaceConfig space(std::size_t dim, const std::string& spec) {
  molt::store::SpaceConfig c;
  c.name = "v";
  c.model_dim = c.dim = dim;
  c.index_spec = molt::index::parse_index_spec(spec);
  return c;
}

struct TempStore {
  fs::path dir;
  explicit TempStore(const std::string& name)
      : dir(fs::temp_directory_path() / ("molt-bench-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
  }
  ~TempStore() { fs::remove_all(dir); }
};

// Inserting: docs/s for batches of state.range(0) documents of width 384, one transaction each.
void BM_StoreInsert(benchmark::State& state) {
  const std::size_t batch = static_cast<std::size_t>(state.range(0));
  const std::size_t dim = 384;
  const std::vector<std::string> text = texts(2000);
  const std::vector<float> vectors = clustered(2000, dim, 2);
  TempStore tmp("insert");
  Store store(tmp.dir, {.create = true, .threads = 1});
  store.create_collection("c");
  store.create_space("c", space(dim, "hnsw"));
  std::size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto docs = documents(next, batch, dim, text, vectors);
    next += batch;
    state.ResumeTiming();
    store.upsert("c", docs);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next));
  state.counters["docs_per_s"] = benchmark::Counter(static_cast<double>(next), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StoreInsert)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Building a space's HNSW index from its stored vectors (what the first search, or the end of
// `molt ingest`, does), at SciFact's size.
void BM_HnswBuild(benchmark::State& state) {
  const std::size_t dim = static_cast<std::size_t>(state.range(0));
  const std::vector<float> x = clustered(kSciFactDocs, dim, 3);
  std::vector<std::int64_t> ids(kSciFactDocs);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i);
  for (auto _ : state) {
    molt::index::HnswIndex index(molt::index::parse_index_spec("hnsw:exactBelow=0"), dim, molt::index::Metric::kCosine);
    index.set_build_threads(static_cast<int>(state.range(1)));
    index.add(ids, x);
    benchmark::DoNotOptimize(index.size());
  }
  state.counters["vectors_per_s"] =
      benchmark::Counter(static_cast<double>(kSciFactDocs), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_HnswBuild)->Args({384, 1})->Args({384, 2})->Args({768, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

// A SciFact-sized store of one width, built once per width and spec.
struct SearchFixture {
  std::unique_ptr<TempStore> tmp;
  std::unique_ptr<Store> store;
  std::vector<float> queries;  // f32 [300, dim]
  std::vector<std::string> query_texts;
  std::size_t dim = 0;
};

SearchFixture& fixture(std::size_t dim, const std::string& spec) {
  static std::map<std::string, SearchFixture> fixtures;
  const std::string key = std::to_string(dim) + spec;
  SearchFixture& f = fixtures[key];
  if (f.store) return f;
  f.dim = dim;
  f.tmp = std::make_unique<TempStore>("search" + std::to_string(dim) + std::to_string(fixtures.size()));
  f.store = std::make_unique<Store>(f.tmp->dir, molt::store::StoreOptions{.create = true, .threads = 2});
  f.store->create_collection("c");
  f.store->create_space("c", space(dim, spec));
  const std::vector<std::string> text = texts(kSciFactDocs);
  const std::vector<float> vectors = clustered(kSciFactDocs + 300, dim, 4);
  for (std::size_t first = 0; first < kSciFactDocs; first += 1000) {
    f.store->upsert("c", documents(first, std::min<std::size_t>(1000, kSciFactDocs - first), dim, text, vectors));
  }
  f.store->refresh_indexes("c");
  f.queries.assign(vectors.begin() + kSciFactDocs * dim, vectors.end());  // same distribution, not in the store
  for (std::size_t q = 0; q < 300; ++q) f.query_texts.push_back(text[(q * 17) % text.size()].substr(0, 80));
  return f;
}

std::vector<std::string> ids_of(const molt::store::SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

void run_search(benchmark::State& state, std::size_t dim, const std::string& spec, SearchMode mode, bool exact,
                bool filtered) {
  SearchFixture& f = fixture(dim, spec);
  SearchRequest r;
  r.collection = "c";
  r.mode = mode;
  r.k = 10;
  r.exact = exact;
  r.with_text = true;
  if (filtered) r.filters = {molt::store::parse_metadata_filter("year=2015")};
  std::size_t q = 0;
  double found = 0, total = 0;
  for (auto _ : state) {
    r.vector.assign(f.queries.begin() + (q % 300) * dim, f.queries.begin() + (q % 300 + 1) * dim);
    r.text = f.query_texts[q % 300];
    benchmark::DoNotOptimize(f.store->search(r).hits.size());
    ++q;
  }
  state.counters["queries_per_s"] = benchmark::Counter(static_cast<double>(q), benchmark::Counter::kIsRate);
  if (mode == SearchMode::kDense && !exact) {
    // recall@10 against exact search, over the 300 queries (outside the timing).
    SearchRequest e = r;
    e.exact = true;
    for (std::size_t i = 0; i < 300; ++i) {
      r.vector.assign(f.queries.begin() + i * dim, f.queries.begin() + (i + 1) * dim);
      e.vector = r.vector;
      const auto got = ids_of(f.store->search(r));
      const auto want = ids_of(f.store->search(e));
      const std::set<std::string> truth(want.begin(), want.end());
      for (const auto& id : got) found += static_cast<double>(truth.count(id));
      total += static_cast<double>(want.size());
    }
    state.counters["recall@10"] = found / total;
  }
}

void BM_SearchDenseExact(benchmark::State& state) {
  run_search(state, static_cast<std::size_t>(state.range(0)), "flat", SearchMode::kDense, true, false);
}
void BM_SearchDenseHnsw(benchmark::State& state) {
  run_search(state, static_cast<std::size_t>(state.range(0)), "hnsw:exactBelow=0", SearchMode::kDense, false, false);
}
void BM_SearchDenseHnswFiltered(benchmark::State& state) {
  run_search(state, static_cast<std::size_t>(state.range(0)), "hnsw:exactBelow=0", SearchMode::kDense, false, true);
}
void BM_SearchBm25(benchmark::State& state) { run_search(state, 384, "hnsw:exactBelow=0", SearchMode::kBm25, false, false); }
void BM_SearchHybrid(benchmark::State& state) {
  run_search(state, 384, "hnsw:exactBelow=0", SearchMode::kHybrid, false, false);
}

// Real embeddings, when MOLT_BENCH_EMBEDDINGS names a folder holding docs.npy [n, dim] and
// queries.npy [m, dim] (e.g. SciFact's corpus and test queries embedded by a model): HNSW with
// its default parameters (the graph walked even below exactBelow) against exact search,
// recall@10 and latency per query.
void BM_SearchEmbeddings(benchmark::State& state) {
  const char* dir = std::getenv("MOLT_BENCH_EMBEDDINGS");
  if (dir == nullptr || *dir == '\0') {
    state.SkipWithError("set MOLT_BENCH_EMBEDDINGS to a folder with docs.npy and queries.npy");
    return;
  }
  static std::unique_ptr<TempStore> tmp;
  static std::unique_ptr<Store> store;
  static molt::tensor::Tensor queries;
  static std::size_t dim = 0;
  if (!store) {
    const molt::tensor::Tensor docs = molt::formats::read_npy_file(fs::path(dir) / "docs.npy");
    queries = molt::formats::read_npy_file(fs::path(dir) / "queries.npy");
    dim = static_cast<std::size_t>(docs.shape()[1]);
    tmp = std::make_unique<TempStore>("embeddings");
    store = std::make_unique<Store>(tmp->dir, molt::store::StoreOptions{.create = true, .threads = 2});
    store->create_collection("c");
    store->create_space("c", space(dim, "hnsw:exactBelow=0"));  // the graph, whatever the size
    const auto values = docs.values<float>();
    const std::size_t n = static_cast<std::size_t>(docs.shape()[0]);
    for (std::size_t first = 0; first < n; first += 1000) {
      std::vector<DocumentWrite> batch;
      for (std::size_t i = first; i < std::min(n, first + 1000); ++i) {
        DocumentWrite d;
        d.id = "doc" + std::to_string(i);
        d.vectors["v"].assign(values.begin() + static_cast<std::ptrdiff_t>(i * dim),
                              values.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
        batch.push_back(std::move(d));
      }
      store->upsert("c", batch);
    }
    store->refresh_indexes("c");
  }
  const auto qv = queries.values<float>();
  const std::size_t m = static_cast<std::size_t>(queries.shape()[0]);
  SearchRequest r;
  r.collection = "c";
  r.k = 10;
  r.exact = state.range(0) != 0;
  std::size_t q = 0;
  for (auto _ : state) {
    r.vector.assign(qv.begin() + static_cast<std::ptrdiff_t>((q % m) * dim),
                    qv.begin() + static_cast<std::ptrdiff_t>((q % m + 1) * dim));
    benchmark::DoNotOptimize(store->search(r).hits.size());
    ++q;
  }
  state.counters["queries_per_s"] = benchmark::Counter(static_cast<double>(q), benchmark::Counter::kIsRate);
  // Each query timed once more on its own: the spread, not only the mean, is what a caller sees.
  std::vector<double> micros;
  micros.reserve(m);
  for (std::size_t i = 0; i < m; ++i) {
    r.vector.assign(qv.begin() + static_cast<std::ptrdiff_t>(i * dim), qv.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(store->search(r).hits.size());
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[m / 2];
  state.counters["p99_us"] = micros[std::min(m - 1, m * 99 / 100)];
  if (!r.exact) {
    double found = 0, total = 0;
    SearchRequest e = r;
    e.exact = true;
    for (std::size_t i = 0; i < m; ++i) {
      r.vector.assign(qv.begin() + static_cast<std::ptrdiff_t>(i * dim), qv.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
      e.vector = r.vector;
      const auto got = ids_of(store->search(r));
      const auto want = ids_of(store->search(e));
      const std::set<std::string> truth(want.begin(), want.end());
      for (const auto& id : got) found += static_cast<double>(truth.count(id));
      total += static_cast<double>(want.size());
    }
    state.counters["recall@10"] = found / total;
  }
}
BENCHMARK(BM_SearchEmbeddings)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

BENCHMARK(BM_SearchDenseExact)->Arg(384)->Arg(768)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_SearchDenseHnsw)->Arg(384)->Arg(768)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_SearchDenseHnswFiltered)->Arg(384)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_SearchBm25)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_SearchHybrid)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
