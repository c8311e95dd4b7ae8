#include "molt/eval/retrieval.h"

#include <algorithm>
#include <numeric>

#include "molt/base/error.h"
#include "molt/compute/blas.h"
#include "molt/eval/mteb_text.h"
#include "molt/index/bm25_index.h"
#include "molt/index/english_analyzer.h"
#include "molt/index/exact_search.h"

namespace molt::eval {
namespace {

// Runs fn(begin, end) over [0, n) in waves of `wave` items, parallel inside a wave, and
// reports progress from the calling thread between waves.
void in_waves(std::size_t n, std::size_t wave, ThreadPool* pool,
              const std::function<void(std::size_t, std::size_t)>& fn,
              const std::function<void(std::size_t)>& report) {
  for (std::size_t start = 0; start < n; start += wave) {
    const std::size_t end = std::min(n, start + wave);
    if (pool != nullptr) {
      pool->parallel_range(end - start, 16, [&](std::size_t b, std::size_t e, int) {
        fn(start + b, start + e);
      });
    } else {
      fn(start, end);
    }
    report(end);
  }
}

// Per query, the row to exclude (a document with the query's id), or -1.
std::vector<std::int64_t> excluded_rows(const RetrievalCorpus& corpus,
                                        std::span<const BeirQuery> queries, bool exclude) {
  std::vector<std::int64_t> rows(queries.size(), -1);
  if (!exclude) return rows;
  for (std::size_t q = 0; q < queries.size(); ++q) rows[q] = corpus.row_of(queries[q].id);
  return rows;
}

void report(const ProgressFn& progress, std::string_view stage, std::size_t done,
            std::size_t total, std::string_view unit) {
  if (progress) progress(Progress{stage, done, total, unit});
}

}  // namespace

RetrievalCorpus::RetrievalCorpus(const std::vector<BeirDocument>& docs) {
  std::vector<std::size_t> order(docs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return docs[a].id > docs[b].id; });
  ids_.reserve(docs.size());
  texts_.reserve(docs.size());
  for (const std::size_t i : order) {
    ids_.push_back(docs[i].id);
    texts_.push_back(document_text(docs[i]));
  }
}

std::int64_t RetrievalCorpus::row_of(const std::string& id) const {
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), id, std::greater<>());
  if (it == ids_.end() || *it != id) return -1;
  return it - ids_.begin();
}

Rankings bm25_search(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
                     const index::Bm25Params& params, const RetrievalOptions& options) {
  const index::EnglishAnalyzer analyzer;
  const std::size_t n = corpus.size();
  std::vector<std::vector<std::string>> doc_terms(n);
  index::Bm25Index bm25(params);
  report(options.progress, "index", 0, n, "docs");
  in_waves(
      n, 2048, options.pool,
      [&](std::size_t b, std::size_t e) {
        for (std::size_t row = b; row < e; ++row) doc_terms[row] = analyzer.terms(corpus.text(row));
      },
      [&](std::size_t done) {
        // Rows join the index in order, so row numbers stay corpus rows.
        for (std::size_t row = bm25.size(); row < done; ++row) {
          bm25.add(doc_terms[row]);
          std::vector<std::string>().swap(doc_terms[row]);
        }
        report(options.progress, "index", done, n, "docs");
      });

  const std::vector<std::int64_t> excluded = excluded_rows(corpus, queries, options.exclude_query_id);
  Rankings out(queries.size());
  report(options.progress, "search", 0, queries.size(), "queries");
  in_waves(
      queries.size(), 256, options.pool,
      [&](std::size_t b, std::size_t e) {
        for (std::size_t q = b; q < e; ++q) {
          const std::vector<std::string> terms = analyzer.terms(query_text(queries[q]));
          const std::int64_t skip_row = excluded[q];
          out[q] = bm25.search(terms, options.top_k, [skip_row](std::size_t row) {
            return static_cast<std::int64_t>(row) == skip_row;
          });
        }
      },
      [&](std::size_t done) { report(options.progress, "search", done, queries.size(), "queries"); });
  return out;
}

Rankings dense_search(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
                      TextEmbedder& embedder, const RetrievalOptions& options) {
  const std::size_t dim = embedder.dim();
  if (dim == 0) throw internal_error("the embedder reports dimension 0");
  const std::size_t chunk = std::max<std::size_t>(options.embed_chunk, 1);
  const auto embed_all = [&](std::span<const std::string> texts, EmbedRole role,
                             std::string_view stage, std::string_view unit) {
    std::vector<float> out;  // f32 [texts.size(), dim]
    out.reserve(texts.size() * dim);
    report(options.progress, stage, 0, texts.size(), unit);
    for (std::size_t start = 0; start < texts.size(); start += chunk) {
      const std::size_t end = std::min(texts.size(), start + chunk);
      const std::vector<float> rows = embedder.embed(texts.subspan(start, end - start), role);
      if (rows.size() != (end - start) * dim) {
        throw internal_error("the embedder returned " + std::to_string(rows.size()) +
                             " floats for " + std::to_string(end - start) + " texts of dimension " +
                             std::to_string(dim));
      }
      out.insert(out.end(), rows.begin(), rows.end());
      report(options.progress, stage, end, texts.size(), unit);
    }
    return out;
  };
  std::vector<float> doc_vectors = embed_all(corpus.texts(), EmbedRole::kDocument, "encode corpus", "docs");
  std::vector<std::string> query_texts;
  query_texts.reserve(queries.size());
  for (const BeirQuery& q : queries) query_texts.push_back(query_text(q));
  std::vector<float> query_vectors = embed_all(query_texts, EmbedRole::kQuery, "encode queries", "queries");

  // An embedder may have changed the BLAS library's thread count (the runtime's encoder runs
  // it single-threaded inside its own pool): the search takes this pool's threads again.
  compute::set_blas_threads(options.pool != nullptr ? options.pool->size() : 1);
  index::l2_normalize_rows(doc_vectors, dim);
  index::l2_normalize_rows(query_vectors, dim);
  const std::vector<std::int64_t> excluded = excluded_rows(corpus, queries, options.exclude_query_id);
  index::ExactSearchOptions search;
  search.k = options.top_k;
  search.skip = [&excluded](std::size_t q, std::size_t d) {
    return excluded[q] == static_cast<std::int64_t>(d);
  };
  return index::exact_top_k(query_vectors, doc_vectors, dim, search, options.pool);
}

Rankings fuse_rankings(const Rankings& a, const Rankings& b, std::size_t top_k,
                       const index::RrfOptions& rrf) {
  if (a.size() != b.size()) throw internal_error("fusing rankings of different query sets");
  Rankings out(a.size());
  for (std::size_t q = 0; q < a.size(); ++q) {
    const std::vector<index::Hit> both[] = {a[q], b[q]};
    out[q] = index::reciprocal_rank_fusion(both, top_k, rrf);
  }
  return out;
}

Run to_run(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
           const Rankings& rankings, const std::string& tag) {
  Run run;
  run.tag = tag;
  for (std::size_t q = 0; q < queries.size() && q < rankings.size(); ++q) {
    auto& docs = run.by_query[queries[q].id];
    docs.reserve(rankings[q].size());
    for (const index::Hit& h : rankings[q]) {
      docs.push_back(ScoredDoc{corpus.id(static_cast<std::size_t>(h.id)), static_cast<double>(h.score)});
    }
  }
  return run;
}

}  // namespace molt::eval
