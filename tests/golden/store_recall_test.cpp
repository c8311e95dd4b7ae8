// HNSW against exact search on a real corpus embedded by a real model: SciFact's 5,183
// documents and 300 test queries through ../shared/models/static-b (768-d). The graph at its
// default parameters (walked even below exactBelow) must reach recall@10 >= 0.95 of exact
// search; the default spec, which scans at this size, must equal exact search. Recall and
// latencies are printed.
#include <chrono>
#include <set>

#include <gtest/gtest.h>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/retrieval.h"
#include "molt/runtime/encoder.h"
#include "molt/store/store.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

std::vector<std::string> ids_of(const store::SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.id);
  return out;
}

TEST(StoreRecall, HnswAtItsDefaultsOnSciFactWithStaticB) {
  MOLT_REQUIRE_MODEL("static-b/model.safetensors");
  MOLT_REQUIRE_DATA("beir/scifact/corpus.jsonl");
  const eval::BeirDataset data = eval::load_beir(data_dir() / "beir" / "scifact");
  const eval::RetrievalCorpus corpus(data.corpus);
  const runtime::Encoder encoder = runtime::Encoder::load(models_dir() / "static-b", {.n_threads = 2});
  const std::size_t dim = encoder.dim();
  const runtime::Embeddings docs = encoder.embed(corpus.texts());
  std::vector<std::string> query_texts;
  for (const eval::BeirQuery& q : data.queries) query_texts.push_back(q.text);
  const runtime::Embeddings queries = encoder.embed(query_texts);

  TempDir tmp;
  store::Store s(tmp / "db", {.create = true, .threads = 2});
  s.create_collection("scifact");
  for (const auto& [name, spec] : {std::pair{"graph", "hnsw:exactBelow=0"}, std::pair{"default", "hnsw"}}) {
    store::SpaceConfig c;
    c.name = name;
    c.model_dim = c.dim = dim;
    c.index_spec = index::parse_index_spec(spec);
    s.create_space("scifact", c, store::SpaceState::kReady);
  }
  for (std::size_t first = 0; first < corpus.size(); first += 1000) {
    std::vector<store::DocumentWrite> batch;
    for (std::size_t row = first; row < std::min(corpus.size(), first + 1000); ++row) {
      store::DocumentWrite d;
      d.id = corpus.id(row);
      const auto v = docs.row(row);
      d.vectors["graph"].assign(v.begin(), v.end());
      d.vectors["default"].assign(v.begin(), v.end());
      batch.push_back(std::move(d));
    }
    s.upsert("scifact", batch);
  }
  s.refresh_indexes("scifact");  // build the graph outside the timing

  using clock = std::chrono::steady_clock;
  double found = 0, total = 0, graph_s = 0, exact_s = 0;
  for (std::size_t q = 0; q < queries.n; ++q) {
    store::SearchRequest r;
    r.collection = "scifact";
    r.space = "graph";
    r.k = 10;
    r.with_text = false;
    r.with_metadata = false;
    const auto v = queries.row(q);
    r.vector.assign(v.begin(), v.end());
    auto t0 = clock::now();
    const auto approx = ids_of(s.search(r));
    graph_s += std::chrono::duration<double>(clock::now() - t0).count();
    r.exact = true;
    t0 = clock::now();
    const auto exact = ids_of(s.search(r));
    exact_s += std::chrono::duration<double>(clock::now() - t0).count();
    const std::set<std::string> truth(exact.begin(), exact.end());
    for (const std::string& id : approx) found += static_cast<double>(truth.count(id));
    total += static_cast<double>(exact.size());
    r.space = "default";
    r.exact = false;
    EXPECT_EQ(ids_of(s.search(r)), exact) << "query " << data.queries[q].id;
  }
  const double recall = found / total;
  std::cerr << "[ figures  ] SciFact x static-b (" << corpus.size() << " x " << dim << "): HNSW recall@10 " << recall
            << " against exact; mean latency " << 1e3 * graph_s / static_cast<double>(queries.n) << " ms (graph), "
            << 1e3 * exact_s / static_cast<double>(queries.n) << " ms (exact)\n";
  EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace molt::test
