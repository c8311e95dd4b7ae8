#include "molt/eval/trec_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "molt/base/error.h"

namespace molt::eval {
namespace {

// trec_eval marks a retrieved document missing from the qrels with -1 (RELVALUE_NONPOOL).
constexpr int kNotJudged = -1;

// Relevance of each ranked document, and the counts trec_eval derives from the qrels.
struct Ranked {
  std::vector<int> rel;               // by rank (0-based)
  std::vector<int> ideal_gains;       // judged grades >= 1, descending
  std::size_t n_relevant = 0;
};

Ranked rank(std::span<const Judgment> judgments, std::vector<ScoredDoc>& docs) {
  sort_trec_order(docs);
  std::unordered_map<std::string_view, int> grade;
  grade.reserve(judgments.size());
  Ranked r;
  for (const Judgment& j : judgments) {
    grade.emplace(j.doc_id, j.relevance);
    if (j.relevance >= 1) {
      ++r.n_relevant;
      r.ideal_gains.push_back(j.relevance);
    }
  }
  std::sort(r.ideal_gains.begin(), r.ideal_gains.end(), std::greater<>());
  r.rel.reserve(docs.size());
  for (const ScoredDoc& d : docs) {
    const auto it = grade.find(d.doc_id);
    r.rel.push_back(it == grade.end() ? kNotJudged : it->second);
  }
  return r;
}

// The same double operations, in the same order, as trec_eval's m_*.c.
double ndcg_at(const Ranked& r, std::size_t k) {
  double dcg = 0.0;
  const std::size_t n = std::min(k, r.rel.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double gain = r.rel[i];
    if (gain > 0) dcg += gain / std::log2(static_cast<double>(i + 2));
  }
  double ideal = 0.0;
  const std::size_t m = std::min(k, r.ideal_gains.size());
  for (std::size_t i = 0; i < m; ++i) {
    ideal += static_cast<double>(r.ideal_gains[i]) / std::log2(static_cast<double>(i + 2));
  }
  return ideal > 0.0 ? dcg / ideal : dcg;
}

double map_at(const Ranked& r, std::size_t k) {
  if (r.n_relevant == 0) return 0.0;
  double sum = 0.0;
  long rel_so_far = 0;
  const std::size_t n = std::min(k, r.rel.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (r.rel[i] >= 1) {
      ++rel_so_far;
      sum += static_cast<double>(rel_so_far) / static_cast<double>(i + 1);
    }
  }
  return sum / static_cast<double>(r.n_relevant);
}

long relevant_in_top(const Ranked& r, std::size_t k) {
  long n = 0;
  const std::size_t end = std::min(k, r.rel.size());
  for (std::size_t i = 0; i < end; ++i) n += r.rel[i] >= 1 ? 1 : 0;
  return n;
}

double recall_at(const Ranked& r, std::size_t k) {
  if (r.n_relevant == 0) return 0.0;
  return static_cast<double>(relevant_in_top(r, k)) / static_cast<double>(r.n_relevant);
}

double precision_at(const Ranked& r, std::size_t k) {
  return static_cast<double>(relevant_in_top(r, k)) / static_cast<double>(k);
}

double mrr_at(const Ranked& r, std::size_t k) {
  if (r.n_relevant == 0) return 0.0;
  const std::size_t n = std::min(k, r.rel.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (r.rel[i] >= 1) return 1.0 / static_cast<double>(i + 1);
  }
  return 0.0;
}

double value(const Ranked& r, const Metric& m) {
  const auto k = static_cast<std::size_t>(m.cutoff);
  switch (m.measure) {
    case Measure::kNdcg: return ndcg_at(r, k);
    case Measure::kMrr: return mrr_at(r, k);
    case Measure::kMap: return map_at(r, k);
    case Measure::kRecall: return recall_at(r, k);
    case Measure::kPrecision: return precision_at(r, k);
  }
  return 0.0;
}

}  // namespace

std::string Metric::name() const {
  const std::string k = std::to_string(cutoff);
  switch (measure) {
    case Measure::kNdcg: return "ndcg@" + k;
    case Measure::kMrr: return "mrr@" + k;
    case Measure::kMap: return "map@" + k;
    case Measure::kRecall: return "recall@" + k;
    case Measure::kPrecision: return "p@" + k;
  }
  return {};
}

std::string Metric::trec_name() const {
  const std::string k = std::to_string(cutoff);
  switch (measure) {
    case Measure::kNdcg: return "ndcg_cut_" + k;
    case Measure::kMrr: return "recip_rank_cut_" + k;
    case Measure::kMap: return "map_cut_" + k;
    case Measure::kRecall: return "recall_" + k;
    case Measure::kPrecision: return "P_" + k;
  }
  return {};
}

std::vector<int> default_cutoffs() { return {1, 3, 5, 10, 20, 100, 1000}; }

std::vector<Metric> metrics_at(std::span<const int> cutoffs) {
  std::vector<int> ks;
  for (const int k : cutoffs) {
    if (k < 1) throw usage_error("metric cutoff " + std::to_string(k) + " must be >= 1");
    if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
  }
  std::vector<Metric> out;
  for (const Measure m : {Measure::kNdcg, Measure::kMrr, Measure::kMap, Measure::kRecall,
                          Measure::kPrecision}) {
    for (const int k : ks) out.push_back(Metric{m, k});
  }
  return out;
}

int Evaluation::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name() == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<double> evaluate_query(std::span<const Judgment> judgments, std::vector<ScoredDoc> docs,
                                   std::span<const Metric> metrics) {
  const Ranked r = rank(judgments, docs);
  std::vector<double> out;
  out.reserve(metrics.size());
  for (const Metric& m : metrics) out.push_back(value(r, m));
  return out;
}

Evaluation evaluate(const Qrels& qrels, const Run& run, std::span<const Metric> metrics) {
  Evaluation ev;
  ev.metrics.assign(metrics.begin(), metrics.end());
  ev.means.assign(metrics.size(), 0.0);
  // Sums in query-id order, as trec_eval accumulates them.
  for (const auto& [qid, judgments] : qrels.by_query) {
    QueryEvaluation q;
    q.query_id = qid;
    const auto it = run.by_query.find(qid);
    std::vector<ScoredDoc> docs;
    if (it != run.by_query.end()) docs = it->second;
    q.in_run = !docs.empty();
    for (const Judgment& j : judgments) q.n_relevant += j.relevance >= 1 ? 1 : 0;
    q.values = evaluate_query(judgments, std::move(docs), metrics);
    for (std::size_t m = 0; m < metrics.size(); ++m) ev.means[m] += q.values[m];
    ev.queries.push_back(std::move(q));
  }
  if (!ev.queries.empty()) {
    for (double& v : ev.means) v /= static_cast<double>(ev.queries.size());
  }
  return ev;
}

}  // namespace molt::eval
