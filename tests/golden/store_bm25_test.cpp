// The store's keyword search on SciFact equals `molt eval --bm25` (Lucene's BM25 as Anserini
// runs it): the same top 1000 documents for every test query, in the same order, with the
// same float scores, and so the same nDCG@10 (0.6789, Anserini's published figure).
#include <gtest/gtest.h>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/retrieval.h"
#include "molt/eval/trec_metrics.h"
#include "molt/store/store.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

TEST(StoreBm25, SciFactEqualsLuceneExactEvaluation) {
  MOLT_REQUIRE_DATA("beir/scifact/corpus.jsonl");
  const eval::BeirDataset data = eval::load_beir(data_dir() / "beir" / "scifact");
  const eval::RetrievalCorpus corpus(data.corpus);
  eval::RetrievalOptions options;
  options.top_k = 1000;
  options.exclude_query_id = false;
  const eval::Rankings want = eval::bm25_search(corpus, data.queries, index::Bm25Params{}, options);

  TempDir tmp;
  store::Store s(tmp / "db", {.create = true});
  s.create_collection("scifact");
  // Rows in the evaluation's order, so that keys (the store's tie order) follow its rows.
  for (std::size_t first = 0; first < corpus.size(); first += 1000) {
    std::vector<store::DocumentWrite> batch;
    for (std::size_t row = first; row < std::min(corpus.size(), first + 1000); ++row) {
      batch.push_back({corpus.id(row), corpus.text(row), nlohmann::json::object(), {}});
    }
    s.upsert("scifact", batch);
  }
  eval::Run run;
  run.tag = "store";
  std::size_t compared = 0;
  for (std::size_t q = 0; q < data.queries.size(); ++q) {
    store::SearchRequest r;
    r.collection = "scifact";
    r.mode = store::SearchMode::kBm25;
    r.text = data.queries[q].text;
    r.k = 1000;
    r.with_text = false;
    r.with_metadata = false;
    const store::SearchResult got = s.search(r);
    ASSERT_EQ(got.hits.size(), want[q].size()) << "query " << data.queries[q].id;
    for (std::size_t i = 0; i < got.hits.size(); ++i) {
      ASSERT_EQ(got.hits[i].id, corpus.id(static_cast<std::size_t>(want[q][i].id)))
          << "query " << data.queries[q].id << " rank " << i;
      ASSERT_EQ(got.hits[i].score, want[q][i].score) << "query " << data.queries[q].id << " rank " << i;
      run.by_query[data.queries[q].id].push_back({got.hits[i].id, got.hits[i].score});
      ++compared;
    }
  }
  const std::vector<int> cutoffs = {10, 100};
  const eval::Evaluation ev = eval::evaluate(data.qrels, run, eval::metrics_at(cutoffs));
  const double ndcg10 = ev.means[static_cast<std::size_t>(ev.index_of("ndcg@10"))];
  const double recall100 = ev.means[static_cast<std::size_t>(ev.index_of("recall@100"))];
  std::cerr << "[ figures  ] " << compared << " (query, document) scores identical; store BM25 nDCG@10 " << ndcg10
            << ", R@100 " << recall100 << "\n";
  EXPECT_NEAR(ndcg10, 0.6789, 0.00005);  // Anserini BM25 flat, BEIR v1.0.0 (eval_refs.md)
}

}  // namespace
}  // namespace molt::test
