// The retrieval step of an evaluation: BM25 (as Anserini's BEIR "flat" baselines), exact
// dense search by cosine (as MTEB), and their reciprocal rank fusion, over a BEIR corpus.
// Results are rankings of corpus rows, turned into a Run for scoring and TREC output.
//
// Rows are the documents sorted by id descending (strcmp order). Every search breaks equal
// scores by lower row, so a ranking cut at k keeps exactly the documents trec_eval would
// rank first, and the evaluation of the in-memory ranking equals trec_eval's on the run file.
// As MTEB and Anserini do, a document whose id equals the query's id is never returned for
// it (ArguAna's rule; harmless elsewhere).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "molt/base/progress.h"
#include "molt/base/thread_pool.h"
#include "molt/eval/beir_dataset.h"
#include "molt/eval/text_embedder.h"
#include "molt/eval/trec_run.h"
#include "molt/index/bm25_similarity.h"
#include "molt/index/rank_fusion.h"
#include "molt/index/top_k.h"

namespace molt::eval {

// The corpus in retrieval order.
class RetrievalCorpus {
 public:
  explicit RetrievalCorpus(const std::vector<BeirDocument>& docs);

  std::size_t size() const { return ids_.size(); }
  const std::string& id(std::size_t row) const { return ids_[row]; }
  const std::string& text(std::size_t row) const { return texts_[row]; }  // document_text()
  std::span<const std::string> texts() const { return texts_; }
  // The row of a document id, or -1.
  std::int64_t row_of(const std::string& id) const;

 private:
  std::vector<std::string> ids_;  // descending
  std::vector<std::string> texts_;
};

// Per query (in the order given), its hits best first; Hit::id is a corpus row.
using Rankings = std::vector<std::vector<index::Hit>>;

struct RetrievalOptions {
  std::size_t top_k = 1000;
  bool exclude_query_id = true;  // drop a document whose id equals the query id
  ThreadPool* pool = nullptr;    // may be null (single thread)
  ProgressFn progress;           // stages "index"/"search" (BM25), "encode corpus"/"encode queries"
  std::size_t embed_chunk = 1024;  // texts per TextEmbedder::embed call
};

// BM25 with Lucene's scoring and Anserini's English analysis and bag-of-words queries.
Rankings bm25_search(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
                     const index::Bm25Params& params, const RetrievalOptions& options);

// Exact cosine top-k of query embeddings over document embeddings.
Rankings dense_search(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
                      TextEmbedder& embedder, const RetrievalOptions& options);

// Reciprocal rank fusion of two rankings of the same queries, query by query.
Rankings fuse_rankings(const Rankings& a, const Rankings& b, std::size_t top_k,
                       const index::RrfOptions& rrf = {});

// The rankings as a run (document ids and scores), tagged `tag`.
Run to_run(const RetrievalCorpus& corpus, std::span<const BeirQuery> queries,
           const Rankings& rankings, const std::string& tag);

}  // namespace molt::eval
