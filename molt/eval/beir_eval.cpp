#include "molt/eval/beir_eval.h"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "molt/base/error.h"
#include "molt/compute/blas.h"

namespace molt::eval {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Times the embedder's calls per side, for docs/s figures.
class TimedEmbedder final : public TextEmbedder {
 public:
  explicit TimedEmbedder(TextEmbedder& inner) : inner_(inner) {}
  std::size_t dim() const override { return inner_.dim(); }
  std::vector<float> embed(std::span<const std::string> texts, EmbedRole role) override {
    const auto start = std::chrono::steady_clock::now();
    std::vector<float> out = inner_.embed(texts, role);
    (role == EmbedRole::kQuery ? seconds_queries : seconds_corpus) += seconds_since(start);
    return out;
  }
  double seconds_corpus = 0.0;
  double seconds_queries = 0.0;

 private:
  TextEmbedder& inner_;
};

}  // namespace

const char* retriever_name(Retriever r) {
  switch (r) {
    case Retriever::kBm25: return "bm25";
    case Retriever::kDense: return "dense";
    case Retriever::kHybrid: return "hybrid";
  }
  return "";
}

BeirEvalResult evaluate_beir(const BeirEvalOptions& options) {
  if (options.retriever != Retriever::kBm25 && options.embedder == nullptr) {
    throw usage_error(std::string(retriever_name(options.retriever)) + " retrieval needs a model");
  }
  if (options.top_k == 0) throw usage_error("top-k must be at least 1");
  const std::vector<Metric> metrics = metrics_at(options.cutoffs);

  BeirEvalResult result;
  auto start = std::chrono::steady_clock::now();
  const BeirDataset dataset = load_beir(options.dataset, options.split, options.progress);
  const RetrievalCorpus corpus(dataset.corpus);
  result.n_docs = corpus.size();
  result.n_queries = dataset.queries.size();
  result.seconds_load = seconds_since(start);

  start = std::chrono::steady_clock::now();
  ThreadPool pool(options.threads);
  // Dense search alternates BLAS products and pool-parallel selection, never both at once,
  // so both get the same number of threads.
  compute::set_blas_threads(pool.size());
  RetrievalOptions ro;
  ro.top_k = options.top_k;
  ro.exclude_query_id = options.exclude_query_id;
  ro.pool = &pool;
  ro.progress = options.progress;
  ro.embed_chunk = options.embed_chunk;
  std::optional<TimedEmbedder> timed;
  if (options.embedder != nullptr) timed.emplace(*options.embedder);
  Rankings rankings;
  switch (options.retriever) {
    case Retriever::kBm25:
      rankings = bm25_search(corpus, dataset.queries, options.bm25, ro);
      break;
    case Retriever::kDense:
      rankings = dense_search(corpus, dataset.queries, *timed, ro);
      break;
    case Retriever::kHybrid: {
      // Both lists at full depth, fused, then cut to top_k.
      const Rankings lexical = bm25_search(corpus, dataset.queries, options.bm25, ro);
      const Rankings dense = dense_search(corpus, dataset.queries, *timed, ro);
      rankings = fuse_rankings(lexical, dense, options.top_k, options.rrf);
      break;
    }
  }
  result.seconds_retrieve = seconds_since(start);
  if (timed) {
    result.seconds_encode_corpus = timed->seconds_corpus;
    result.seconds_encode_queries = timed->seconds_queries;
  }
  result.run = to_run(corpus, dataset.queries, rankings, options.run_tag);
  result.evaluation = evaluate(dataset.qrels, result.run, metrics);
  return result;
}

}  // namespace molt::eval
