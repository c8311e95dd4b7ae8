// Speed of the evaluation paths: English analysis, BM25 indexing + search over SciFact (as
// `molt eval --bm25` runs it), and exact dense top-1000 at SciFact's size with MiniLM's width.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "molt/base/thread_pool.h"
#include "molt/compute/blas.h"
#include "molt/eval/beir_dataset.h"
#include "molt/eval/retrieval.h"
#include "molt/index/english_analyzer.h"
#include "molt/index/exact_search.h"

namespace {

std::filesystem::path scifact_dir() {
  const char* env = std::getenv("MOLT_TEST_DATA");
  const std::filesystem::path data = env != nullptr && *env != '\0'
                                         ? std::filesystem::path(env)
                                         : std::filesystem::path(MOLT_SOURCE_DIR).parent_path() / "shared" / "data";
  return data / "beir" / "scifact";
}

// Words of varied length and shape, so the analyzer meets letters, digits, joiners and stop
// words in realistic proportions.
std::string synthetic_text(std::size_t n_words) {
  static const char* const kWords[] = {
      "the", "patients", "receiving", "insulin", "showed", "a", "significant", "reduction",
      "in", "HbA1c", "levels", "(p<0.05)", "compared", "with", "controls'", "3.5", "mg/kg",
      "IL-6", "expression", "was", "measured", "by", "ELISA", "e.g.", "cells", "don't",
      "1,000", "β-cells", "physiological", "responses", "of", "and", "were", "observed"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  std::string text;
  for (std::size_t i = 0; i < n_words; ++i) {
    text += kWords[pick(rng)];
    text += ' ';
  }
  return text;
}

void BM_EnglishAnalyzer(benchmark::State& state) {
  const std::string text = synthetic_text(100000);
  const molt::index::EnglishAnalyzer analyzer;
  std::size_t terms = 0;
  for (auto _ : state) {
    terms = analyzer.terms(text).size();
    benchmark::DoNotOptimize(terms);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["terms"] = static_cast<double>(terms);
}
BENCHMARK(BM_EnglishAnalyzer)->Unit(benchmark::kMillisecond);

void BM_Bm25SciFact(benchmark::State& state) {
  if (!std::filesystem::exists(scifact_dir() / "corpus.jsonl")) {
    state.SkipWithError("SciFact not found (set MOLT_TEST_DATA)");
    return;
  }
  const molt::eval::BeirDataset ds = molt::eval::load_beir(scifact_dir(), "test");
  const molt::eval::RetrievalCorpus corpus(ds.corpus);
  molt::ThreadPool pool(static_cast<int>(state.range(0)));
  molt::eval::RetrievalOptions options;
  options.pool = &pool;
  for (auto _ : state) {
    auto rankings = molt::eval::bm25_search(corpus, ds.queries, molt::index::Bm25Params{}, options);
    benchmark::DoNotOptimize(rankings);
  }
  state.counters["docs"] = static_cast<double>(corpus.size());
  state.counters["queries"] = static_cast<double>(ds.queries.size());
}
BENCHMARK(BM_Bm25SciFact)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DenseTop1000(benchmark::State& state) {
  const std::size_t dim = 384, n_docs = 5183, n_queries = 300;
  std::mt19937 rng(1);
  std::normal_distribution<float> dist;
  std::vector<float> docs(n_docs * dim), queries(n_queries * dim);
  for (float& v : docs) v = dist(rng);
  for (float& v : queries) v = dist(rng);
  molt::index::l2_normalize_rows(docs, dim);
  molt::index::l2_normalize_rows(queries, dim);
  molt::ThreadPool pool(static_cast<int>(state.range(0)));
  molt::compute::set_blas_threads(pool.size());
  molt::index::ExactSearchOptions options;
  options.k = 1000;
  for (auto _ : state) {
    auto hits = molt::index::exact_top_k(queries, docs, dim, options, &pool);
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_DenseTop1000)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
