// trec_eval's measures on rankings worked by hand: graded relevance, relevance 0 and
// negative entries, tied scores, queries without relevant documents, cutoffs beyond the
// ranking, queries missing from the run.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/eval/trec_metrics.h"

namespace molt::eval {
namespace {

std::vector<Metric> M(std::initializer_list<Metric> m) { return m; }

double value_of(const std::vector<double>& v, const std::vector<Metric>& ms, const char* name) {
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].name() == name) return v[i];
  }
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

TEST(TrecMetrics, NamesAndDefaults) {
  const auto ms = metrics_at(std::vector<int>{10, 1, 10});
  ASSERT_EQ(ms.size(), 10u);
  EXPECT_EQ(ms[0].name(), "ndcg@10");
  EXPECT_EQ(ms[0].trec_name(), "ndcg_cut_10");
  EXPECT_EQ(ms[3].trec_name(), "recip_rank_cut_1");
  EXPECT_EQ(ms[5].trec_name(), "map_cut_1");
  EXPECT_EQ(ms[7].trec_name(), "recall_1");
  EXPECT_EQ(ms[9].name(), "p@1");
  EXPECT_EQ(ms[9].trec_name(), "P_1");
  EXPECT_EQ(default_cutoffs(), (std::vector<int>{1, 3, 5, 10, 20, 100, 1000}));
  EXPECT_THROW(metrics_at(std::vector<int>{0}), Error);
}

TEST(TrecMetrics, GradedRelevanceWithZeroAndUnjudged) {
  // Judged: d1 = 3, d2 = 2, d3 = 0, d4 = 1, d5 = -1 (in the pool, not judged).
  const std::vector<Judgment> qrels = {{"d1", 3}, {"d2", 2}, {"d3", 0}, {"d4", 1}, {"d5", -1}};
  // Ranked: d3 (0), d1 (3), d9 (not in qrels), d4 (1), d2 (2), d5 (-1).
  const std::vector<ScoredDoc> run = {{"d2", 0.5}, {"d9", 0.7}, {"d3", 0.9},
                                      {"d4", 0.6}, {"d1", 0.8}, {"d5", 0.4}};
  const auto ms = metrics_at(std::vector<int>{1, 2, 3, 5, 10});
  const auto v = evaluate_query(qrels, run, ms);

  const double l3 = std::log2(3.0), l5 = std::log2(5.0), l6 = std::log2(6.0);
  const double dcg5 = 3 / l3 + 1 / l5 + 2 / l6;  // ranks 2, 4, 5; grade 0 adds nothing
  const double idcg5 = 3 + 2 / l3 + 1 / 2.0;      // grades 3, 2, 1
  EXPECT_DOUBLE_EQ(value_of(v, ms, "ndcg@5"), dcg5 / idcg5);
  EXPECT_NEAR(value_of(v, ms, "ndcg@5"), 0.6504, 5e-5);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "ndcg@2"), (3 / l3) / (3 + 2 / l3));
  EXPECT_DOUBLE_EQ(value_of(v, ms, "ndcg@1"), 0.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "ndcg@10"), dcg5 / idcg5);  // nothing more past rank 5

  // Three relevant documents (grade >= 1), at ranks 2, 4, 5.
  EXPECT_DOUBLE_EQ(value_of(v, ms, "map@3"), (1.0 / 2) / 3);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "map@5"), (1.0 / 2 + 2.0 / 4 + 3.0 / 5) / 3);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "recall@3"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "recall@5"), 1.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "p@5"), 3.0 / 5);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "p@10"), 3.0 / 10);  // k beyond the ranking: divide by k
  EXPECT_DOUBLE_EQ(value_of(v, ms, "mrr@1"), 0.0);       // rank 1 has grade 0
  EXPECT_DOUBLE_EQ(value_of(v, ms, "mrr@2"), 0.5);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "mrr@10"), 0.5);
}

TEST(TrecMetrics, TiesBreakByDocIdDescending) {
  const std::vector<Judgment> qrels = {{"a", 1}};
  // All scores equal: trec_eval ranks c, b, a whatever the order given.
  for (const auto& run : {std::vector<ScoredDoc>{{"a", 1.0}, {"b", 1.0}, {"c", 1.0}},
                          std::vector<ScoredDoc>{{"c", 1.0}, {"a", 1.0}, {"b", 1.0}}}) {
    const auto ms = M({{Measure::kMrr, 10}, {Measure::kNdcg, 10}, {Measure::kPrecision, 2}});
    const auto v = evaluate_query(qrels, run, ms);
    EXPECT_DOUBLE_EQ(v[0], 1.0 / 3);
    EXPECT_DOUBLE_EQ(v[1], 1.0 / std::log2(4.0));
    EXPECT_DOUBLE_EQ(v[2], 0.0);
  }
  // strcmp order: "d10" > "d1" > "D2" (upper case sorts first).
  const std::vector<Judgment> q2 = {{"d1", 1}};
  const auto v2 = evaluate_query(q2, {{"D2", 0.5}, {"d1", 0.5}, {"d10", 0.5}},
                                 M({{Measure::kMrr, 10}}));
  EXPECT_DOUBLE_EQ(v2[0], 0.5);
}

TEST(TrecMetrics, QueryWithoutRelevantDocumentsScoresZero) {
  const std::vector<Judgment> qrels = {{"a", 0}, {"b", 0}, {"c", -1}};
  const std::vector<ScoredDoc> run = {{"a", 3.0}, {"b", 2.0}, {"x", 1.0}};
  const auto ms = metrics_at(std::vector<int>{1, 10});
  for (const double v : evaluate_query(qrels, run, ms)) EXPECT_EQ(v, 0.0);
}

TEST(TrecMetrics, EmptyRankingAndCutoffBeyondCorpus) {
  const std::vector<Judgment> qrels = {{"a", 2}, {"b", 1}};
  const auto ms = metrics_at(std::vector<int>{1000});
  for (const double v : evaluate_query(qrels, {}, ms)) EXPECT_EQ(v, 0.0);
  // Both relevant documents retrieved, best first: perfect at any cutoff, but p@1000 = 2/1000.
  const auto v = evaluate_query(qrels, {{"a", 2.0}, {"b", 1.0}}, ms);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "ndcg@1000"), 1.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "map@1000"), 1.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "recall@1000"), 1.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "mrr@1000"), 1.0);
  EXPECT_DOUBLE_EQ(value_of(v, ms, "p@1000"), 0.002);
  // Swapped: linear gains, so DCG = 1 + 2 / log2(3) against the ideal 2 + 1 / log2(3).
  const auto w = evaluate_query(qrels, {{"b", 2.0}, {"a", 1.0}}, ms);
  EXPECT_DOUBLE_EQ(value_of(w, ms, "ndcg@1000"), (1 + 2 / std::log2(3.0)) / (2 + 1 / std::log2(3.0)));
}

TEST(TrecMetrics, AverageCoversJudgedQueriesMissingFromTheRun) {
  Qrels qrels;
  qrels.by_query["q1"] = {{"a", 1}};
  qrels.by_query["q2"] = {{"b", 1}};
  qrels.by_query["q3"] = {{"c", 0}};  // judged, nothing relevant: counts, scores 0
  eval::Run run;
  run.by_query["q1"] = {{"a", 1.0}};
  run.by_query["q9"] = {{"z", 1.0}};  // not judged: ignored
  const auto ms = M({{Measure::kNdcg, 10}, {Measure::kRecall, 10}});
  const Evaluation ev = evaluate(qrels, run, ms);
  ASSERT_EQ(ev.queries.size(), 3u);
  EXPECT_EQ(ev.queries[0].query_id, "q1");
  EXPECT_TRUE(ev.queries[0].in_run);
  EXPECT_EQ(ev.queries[0].n_relevant, 1u);
  EXPECT_FALSE(ev.queries[1].in_run);
  EXPECT_EQ(ev.queries[1].values, (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(ev.queries[2].n_relevant, 0u);
  EXPECT_DOUBLE_EQ(ev.means[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(ev.means[1], 1.0 / 3);
  EXPECT_EQ(ev.index_of("recall@10"), 1);
  EXPECT_EQ(ev.index_of("map@10"), -1);
}

}  // namespace
}  // namespace molt::eval
