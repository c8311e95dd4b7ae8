// The quality half of `migrate verify`: the same queries searched in the old and the new
// space (exact search, as `molt eval` scores a model), scored with trec_eval's measures —
// nDCG@10, MRR@10, recall@10 and @100 — per space, their difference with a paired bootstrap
// 95% interval, and per-query wins and losses. Without relevance labels the queries are
// drawn from the documents (a document's first sentence, whose own document is the one
// relevant answer). Either way, the agreement of the two spaces' top 10: overlap and
// Spearman's rank correlation over their union.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/progress.h"
#include "molt/eval/beir_dataset.h"
#include "molt/eval/qrels.h"
#include "molt/migrate/bootstrap.h"
#include "molt/migrate/migration_record.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct QualityOptions {
  // Labelled queries and their judgments; empty: pseudo-queries from the documents.
  std::vector<eval::BeirQuery> queries;
  eval::Qrels qrels;
  std::size_t pseudo_queries = 200;
  std::uint64_t seed = 42;
  int resamples = 10000;
  ProgressFn progress;  // stage "search", unit "queries"
};

struct MetricComparison {
  std::string name;  // "ndcg@10", ...
  double old_value = 0.0;
  double new_value = 0.0;
  DifferenceInterval difference;  // new - old
};

struct QueryOutcome {
  std::string query_id;
  double old_ndcg10 = 0.0;
  double new_ndcg10 = 0.0;
  double overlap10 = 0.0;
};

struct QualityReport {
  bool labelled = false;
  std::string old_space;
  std::string new_space;
  std::size_t queries = 0;
  std::vector<MetricComparison> metrics;
  std::size_t wins = 0;    // queries whose nDCG@10 is higher in the new space
  std::size_t losses = 0;
  std::size_t ties = 0;
  double mean_overlap10 = 0.0;          // |top10(old) ∩ top10(new)| / 10, mean over queries
  double mean_rank_correlation = 0.0;   // Spearman over the union of the two top 10s
  std::vector<QueryOutcome> per_query;  // in query id order
};

// Compares the spaces of migration `m` (both must exist: before finalize). `encoders`
// embeds the queries with each space's model.
QualityReport compare_quality(store::Store& store, std::string_view collection, const Migration& m,
                              const store::EncoderProvider& encoders, const QualityOptions& options);

// The pseudo-query of a document text: its first sentence, at most 32 words; "" when it has
// fewer than 3 words.
std::string pseudo_query(std::string_view text);

// Spearman's rho between two top-k lists over their union, a document absent from one list
// ranked k+1 there (1 for identical lists).
double top_k_rank_correlation(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace molt::migrate
