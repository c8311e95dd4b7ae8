// Retrieval metrics exactly as trec_eval 10.0 computes them (pytrec_eval, BEIR and MTEB
// wrap the same code), with its conventions:
//   - a ranking is the run's documents sorted by score descending, equal scores by document
//     id descending (strcmp); the run's own order and ranks are ignored;
//   - relevant means relevance >= 1; a document absent from the qrels counts as not relevant;
//   - ndcg@k (ndcg_cut.k): gain = the relevance grade itself (linear), discount
//     1 / log2(rank + 1); grades <= 0 add nothing; the ideal ranking holds every judged
//     document of grade >= 1, best grade first;
//   - map@k (map_cut.k): precision at each relevant document within the top k, summed and
//     divided by the query's total number of relevant documents;
//   - recall@k, p@k (P.k = relevant in top k / k), mrr@k (recip_rank_cut.k);
//   - the mean is over every judged query, a query missing from the run scoring 0 (trec_eval
//     -c). A query without relevant documents scores 0 on every measure and still counts.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "molt/eval/qrels.h"
#include "molt/eval/trec_run.h"

namespace molt::eval {

enum class Measure { kNdcg, kMrr, kMap, kRecall, kPrecision };

struct Metric {
  Measure measure = Measure::kNdcg;
  int cutoff = 10;  // k >= 1

  std::string name() const;       // "ndcg@10", "mrr@10", "map@10", "recall@10", "p@10"
  std::string trec_name() const;  // "ndcg_cut_10", "recip_rank_cut_10", "map_cut_10", "recall_10", "P_10"
};

// Every measure at every cutoff, grouped by measure: ndcg@k..., mrr@k..., map@k...,
// recall@k..., p@k... Cutoffs must be >= 1 (usage error otherwise); duplicates are dropped.
std::vector<Metric> metrics_at(std::span<const int> cutoffs);

// MTEB's cutoffs: 1, 3, 5, 10, 20, 100, 1000.
std::vector<int> default_cutoffs();

struct QueryEvaluation {
  std::string query_id;
  bool in_run = false;         // the run has documents for this query
  std::size_t n_relevant = 0;  // judged relevance >= 1
  std::vector<double> values;  // one per metric
};

struct Evaluation {
  std::vector<Metric> metrics;
  std::vector<QueryEvaluation> queries;  // every judged query, in id order
  std::vector<double> means;             // one per metric, over all of `queries`

  // Index of a metric by name ("ndcg@10"); -1 when absent.
  int index_of(const std::string& name) const;
};

// Scores one query: `judgments` sorted by doc id (as Qrels holds them), `docs` in any order
// without duplicates. Returns one value per metric.
std::vector<double> evaluate_query(std::span<const Judgment> judgments, std::vector<ScoredDoc> docs,
                                   std::span<const Metric> metrics);

// Scores every judged query of `qrels` against `run`; queries only in the run are ignored.
Evaluation evaluate(const Qrels& qrels, const Run& run, std::span<const Metric> metrics);

}  // namespace molt::eval
