// One retrieval evaluation end to end, what `molt eval` runs: load a BEIR dataset, retrieve
// with BM25, a dense model or both fused, and score the ranking with trec_eval's measures.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "molt/base/progress.h"
#include "molt/eval/retrieval.h"
#include "molt/eval/text_embedder.h"
#include "molt/eval/trec_metrics.h"
#include "molt/eval/trec_run.h"
#include "molt/index/bm25_similarity.h"
#include "molt/index/rank_fusion.h"

namespace molt::eval {

enum class Retriever {
  kBm25,    // Anserini's BM25 "flat" baseline
  kDense,   // exact cosine search over `embedder`'s vectors (MTEB)
  kHybrid,  // reciprocal rank fusion of the two
};

const char* retriever_name(Retriever r);  // "bm25", "dense", "hybrid"

struct BeirEvalOptions {
  std::filesystem::path dataset;  // the BEIR folder
  std::string split = "test";
  Retriever retriever = Retriever::kBm25;
  TextEmbedder* embedder = nullptr;  // required for kDense and kHybrid; not owned
  index::Bm25Params bm25;
  index::RrfOptions rrf;
  std::size_t top_k = 1000;          // documents kept per query
  std::vector<int> cutoffs = default_cutoffs();
  bool exclude_query_id = true;
  int threads = 0;                   // <= 0: one per hardware thread
  std::size_t embed_chunk = 1024;    // texts per TextEmbedder::embed call (progress granularity)
  std::string run_tag = "molt";
  ProgressFn progress;
};

struct BeirEvalResult {
  Run run;
  Evaluation evaluation;
  std::size_t n_docs = 0;
  std::size_t n_queries = 0;
  double seconds_load = 0.0;
  double seconds_retrieve = 0.0;  // indexing or encoding included
  double seconds_encode_corpus = 0.0;   // time in the embedder for the documents (dense, hybrid)
  double seconds_encode_queries = 0.0;  // and for the queries
};

// Throws molt::Error: usage (no embedder for a dense retriever, top_k 0), or whatever
// loading the dataset raises.
BeirEvalResult evaluate_beir(const BeirEvalOptions& options);

}  // namespace molt::eval
