#include "molt/migrate/ab_quality.h"

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "molt/base/error.h"
#include "molt/eval/trec_metrics.h"
#include "molt/eval/trec_run.h"

namespace molt::migrate {
namespace {

constexpr std::size_t kDepth = 100;  // recall@100 needs the top 100

struct Query {
  std::string id;
  std::string text;
  std::string exclude;  // a document id never returned for it ("" = none)
};

std::vector<eval::ScoredDoc> search_space(store::Store& store, std::string_view collection, const std::string& space,
                                          const Query& q, const store::EncoderProvider& encoders) {
  store::SearchRequest r;
  r.collection = std::string(collection);
  r.space = space;
  r.mode = store::SearchMode::kDense;
  r.text = q.text;
  r.k = kDepth + 1;
  r.exact = true;
  r.with_text = false;
  r.with_metadata = false;
  std::vector<eval::ScoredDoc> out;
  for (const store::SearchHit& h : store.search(r, encoders).hits) {
    if (h.id == q.exclude) continue;
    if (out.size() == kDepth) break;
    out.push_back({h.id, static_cast<double>(h.score)});
  }
  return out;
}

std::vector<std::string> top_ids(std::vector<eval::ScoredDoc> docs, std::size_t k) {
  eval::sort_trec_order(docs);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < docs.size() && i < k; ++i) ids.push_back(docs[i].doc_id);
  return ids;
}

// Pseudo-queries: the first sentences of a uniform sample of documents.
std::vector<Query> pseudo_queries(store::Store& store, std::string_view collection, const QualityOptions& options,
                                  eval::Qrels& qrels) {
  std::mt19937_64 rng(options.seed);
  std::vector<Query> sample;
  std::int64_t seen = 0;
  store::ScrollRequest request;
  request.metadata = false;
  store.for_each_document(collection, request, {}, [&](store::Document& d) {
    std::string text = pseudo_query(d.text);
    if (text.empty()) return;
    ++seen;
    Query q{"pq:" + d.id, std::move(text), ""};
    if (sample.size() < options.pseudo_queries) {
      sample.push_back(std::move(q));
    } else {
      const auto j = std::uniform_int_distribution<std::int64_t>(0, seen - 1)(rng);
      if (j < static_cast<std::int64_t>(options.pseudo_queries)) sample[static_cast<std::size_t>(j)] = std::move(q);
    }
  });
  for (const Query& q : sample) qrels.by_query[q.id] = {eval::Judgment{q.id.substr(3), 1}};
  return sample;
}

}  // namespace

std::string pseudo_query(std::string_view text) {
  std::string out;
  int words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (in_word) {
        in_word = false;
        if (words == 32) break;
        const char prev = out.empty() ? ' ' : out.back();
        if ((prev == '.' || prev == '?' || prev == '!') && words >= 3) break;
      }
      continue;
    }
    if (!in_word) {
      if (!out.empty()) out += ' ';
      in_word = true;
      ++words;
    }
    out += c;
  }
  return words >= 3 ? out : std::string();
}

double top_k_rank_correlation(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const double absent = static_cast<double>(std::max(a.size(), b.size()) + 1);
  std::map<std::string, std::pair<double, double>> ranks;
  for (const std::string& id : a) ranks[id] = {absent, absent};
  for (const std::string& id : b) ranks[id] = {absent, absent};
  for (std::size_t i = 0; i < a.size(); ++i) ranks[a[i]].first = static_cast<double>(i + 1);
  for (std::size_t i = 0; i < b.size(); ++i) ranks[b[i]].second = static_cast<double>(i + 1);
  const double n = static_cast<double>(ranks.size());
  if (ranks.size() < 2) return 1.0;
  double ma = 0, mb = 0;
  for (const auto& [id, r] : ranks) ma += r.first, mb += r.second;
  ma /= n;
  mb /= n;
  double cov = 0, va = 0, vb = 0;
  for (const auto& [id, r] : ranks) {
    cov += (r.first - ma) * (r.second - mb);
    va += (r.first - ma) * (r.first - ma);
    vb += (r.second - mb) * (r.second - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 1.0;
}

QualityReport compare_quality(store::Store& store, std::string_view collection, const Migration& m,
                              const store::EncoderProvider& encoders, const QualityOptions& options) {
  if (!m.from) {
    throw conflict_error("the old space '" + m.record.from + "' was dropped by finalize; there is nothing to compare",
                         {.field = "state"});
  }
  QualityReport report;
  report.old_space = m.from->name();
  report.new_space = m.to.name();
  report.labelled = !options.queries.empty();
  eval::Qrels qrels = options.qrels;
  std::vector<Query> queries;
  if (report.labelled) {
    for (const eval::BeirQuery& q : options.queries) queries.push_back({q.id, q.text, q.id});
  } else {
    queries = pseudo_queries(store, collection, options, qrels);
  }
  if (queries.empty()) throw input_error("no queries to compare the spaces with", {.field = "queries"});
  report.queries = queries.size();

  eval::Run run_old, run_new;
  double overlap_sum = 0, rho_sum = 0;
  std::map<std::string, double> overlap_of;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    run_old.by_query[q.id] = search_space(store, collection, report.old_space, q, encoders);
    run_new.by_query[q.id] = search_space(store, collection, report.new_space, q, encoders);
    const auto a = top_ids(run_old.by_query[q.id], 10);
    const auto b = top_ids(run_new.by_query[q.id], 10);
    const std::set<std::string> sa(a.begin(), a.end());
    std::size_t common = 0;
    for (const std::string& id : b) common += sa.count(id);
    const double overlap = static_cast<double>(common) / 10.0;
    overlap_of[q.id] = overlap;
    overlap_sum += overlap;
    rho_sum += top_k_rank_correlation(a, b);
    if (options.progress) options.progress({"search", i + 1, queries.size(), "queries"});
  }
  report.mean_overlap10 = overlap_sum / static_cast<double>(queries.size());
  report.mean_rank_correlation = rho_sum / static_cast<double>(queries.size());

  const std::vector<eval::Metric> metrics = {{eval::Measure::kNdcg, 10},
                                             {eval::Measure::kMrr, 10},
                                             {eval::Measure::kRecall, 10},
                                             {eval::Measure::kRecall, 100}};
  const eval::Evaluation ev_old = eval::evaluate(qrels, run_old, metrics);
  const eval::Evaluation ev_new = eval::evaluate(qrels, run_new, metrics);
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    std::vector<double> a, b;
    for (std::size_t i = 0; i < ev_old.queries.size(); ++i) {
      a.push_back(ev_old.queries[i].values[k]);
      b.push_back(ev_new.queries[i].values[k]);
    }
    report.metrics.push_back({metrics[k].name(), ev_old.means[k], ev_new.means[k],
                              paired_bootstrap(a, b, options.resamples, options.seed + k)});
  }
  for (std::size_t i = 0; i < ev_old.queries.size(); ++i) {
    QueryOutcome o;
    o.query_id = ev_old.queries[i].query_id;
    o.old_ndcg10 = ev_old.queries[i].values[0];
    o.new_ndcg10 = ev_new.queries[i].values[0];
    const auto it = overlap_of.find(o.query_id);
    o.overlap10 = it == overlap_of.end() ? 0.0 : it->second;
    if (std::abs(o.new_ndcg10 - o.old_ndcg10) < 1e-12) {
      ++report.ties;
    } else if (o.new_ndcg10 > o.old_ndcg10) {
      ++report.wins;
    } else {
      ++report.losses;
    }
    report.per_query.push_back(std::move(o));
  }
  return report;
}

}  // namespace molt::migrate
