// molt eval: retrieval evaluation with trec_eval's measures.
//   molt eval --beir DIR --bm25 [--split test] [--run FILE] [--per-query FILE] ...
//   molt eval --qrels FILE --run FILE [--per-query FILE]
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/eval/beir_eval.h"
#include "molt/eval/encoder_embedder.h"
#include "molt/eval/eval_report.h"
#include "molt/eval/qrels.h"
#include "molt/eval/trec_run.h"

namespace molt::cli {
namespace {

struct EvalFlags {
  std::string beir;
  std::string split = "test";
  bool bm25 = false;
  std::string qrels;
  std::string run;
  std::string run_tag = "molt";
  std::string per_query;
  std::vector<int> cutoffs = eval::default_cutoffs();
  std::size_t top_k = 1000;
  double k1 = 0.9;
  double b = 0.4;
  int threads = 0;
  std::string output;
  bool progress = false;
  // Dense and hybrid retrieval.
  EncoderFlags encoder;
  bool hybrid = false;
  std::string query_prompt;
  std::optional<std::string> query_prefix;
  std::string doc_prompt;
  std::optional<std::string> doc_prefix;
};

// The cutoffs asked for, plus 10, 100 and 1000, which every result carries.
std::vector<int> cutoffs_with_required(std::vector<int> cutoffs) {
  for (const int k : {10, 100, 1000}) {
    if (std::find(cutoffs.begin(), cutoffs.end(), k) == cutoffs.end()) cutoffs.push_back(k);
  }
  std::sort(cutoffs.begin(), cutoffs.end());
  return cutoffs;
}

void write_per_query(const std::string& path, const eval::Evaluation& ev) {
  if (path.empty()) return;
  write_file_atomic(path, eval::per_query_json(ev).dump(1) + "\n");
}

void print_summary(const std::string& output, const nlohmann::ordered_json& summary) {
  OutputSink sink(output);
  sink.write(summary.dump() + "\n");
  sink.commit();
}

// --qrels FILE --run FILE: scores an existing run; no corpus, no model.
int evaluate_run_file(const EvalFlags& f) {
  if (f.run.empty()) throw usage_error("--qrels needs --run FILE, the run to evaluate");
  const std::vector<eval::Metric> metrics = eval::metrics_at(cutoffs_with_required(f.cutoffs));
  const eval::Qrels qrels = eval::read_qrels(f.qrels);
  const eval::Run run = eval::read_trec_run(f.run);
  const eval::Evaluation ev = eval::evaluate(qrels, run, metrics);
  nlohmann::ordered_json summary = eval::summary_json(ev);
  summary["run_queries"] = run.by_query.size();
  summary["retrieved"] = run.n_retrieved();
  summary["qrels"] = f.qrels;
  summary["run"] = f.run;
  write_per_query(f.per_query, ev);
  print_summary(f.output, summary);
  return 0;
}

// The retriever a BEIR evaluation uses: --bm25 alone, --model alone (dense), or --hybrid
// with --model (both, fused).
eval::Retriever choose_retriever(const EvalFlags& f) {
  if (f.hybrid) {
    if (f.encoder.model.empty()) throw usage_error("--hybrid needs --model (BM25 fused with the model's dense ranking)");
    return eval::Retriever::kHybrid;
  }
  if (!f.encoder.model.empty()) {
    if (f.bm25) throw usage_error("--bm25 and --model: choose one, or --hybrid --model M to fuse them");
    return eval::Retriever::kDense;
  }
  if (f.bm25) return eval::Retriever::kBm25;
  throw usage_error("molt eval --beir needs a retriever: --bm25, --model M, or --hybrid --model M");
}

// The model of a dense or hybrid evaluation, behind the TextEmbedder the evaluation calls.
std::unique_ptr<eval::EncoderEmbedder> load_embedder(const EvalFlags& f) {
  runtime::Encoder encoder = load_encoder(f.encoder, f.threads, f.progress);
  eval::EncoderEmbedderOptions options;
  options.query = {f.query_prompt, f.query_prefix};
  options.document = {f.doc_prompt, f.doc_prefix};
  if (options.query.name.empty() && !options.query.prefix) {
    options.query = eval::default_side_prompt(encoder.info(), eval::EmbedRole::kQuery);
  }
  if (options.document.name.empty() && !options.document.prefix) {
    options.document = eval::default_side_prompt(encoder.info(), eval::EmbedRole::kDocument);
  }
  options.dim = f.encoder.dim;
  options.batch_size = f.encoder.batch_size;
  return std::make_unique<eval::EncoderEmbedder>(std::move(encoder), std::move(options));
}

int evaluate_beir_dataset(const EvalFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  ProgressBar bar(progress_wanted(f.progress));
  eval::BeirEvalOptions options;
  options.dataset = f.beir;
  options.split = f.split;
  options.retriever = choose_retriever(f);
  std::unique_ptr<eval::EncoderEmbedder> embedder;
  if (options.retriever != eval::Retriever::kBm25) {
    embedder = load_embedder(f);
    options.embedder = embedder.get();
    // Smaller slices of the corpus per encode call, so that progress moves every few seconds.
    options.embed_chunk = 256;
  }
  options.bm25 = index::Bm25Params{static_cast<float>(f.k1), static_cast<float>(f.b)};
  options.top_k = f.top_k;
  options.cutoffs = cutoffs_with_required(f.cutoffs);
  options.threads = f.threads;
  options.run_tag = f.run_tag;
  options.progress = bar.callback();
  const eval::BeirEvalResult result = eval::evaluate_beir(options);
  bar.finish();

  nlohmann::ordered_json summary = eval::summary_json(result.evaluation);
  summary["docs"] = result.n_docs;
  summary["retriever"] = eval::retriever_name(options.retriever);
  if (options.retriever != eval::Retriever::kDense) {
    summary["bm25"] = {{"k1", f.k1}, {"b", f.b}};
  }
  if (embedder) {
    const runtime::ModelInfo& info = embedder->encoder().info();
    summary["model"] = {{"name", info.identity.name},
                        {"identity", info.identity.to_string()},
                        {"path", info.path.string()},
                        {"dim", embedder->dim()},
                        {"max_seq_length", info.max_seq_length},
                        {"query_prompt", embedder->describe(eval::EmbedRole::kQuery)},
                        {"doc_prompt", embedder->describe(eval::EmbedRole::kDocument)}};
    summary["seconds_encode_corpus"] = result.seconds_encode_corpus;
    summary["seconds_encode_queries"] = result.seconds_encode_queries;
    summary["docs_per_s"] = result.seconds_encode_corpus > 0
                                ? static_cast<double>(result.n_docs) / result.seconds_encode_corpus
                                : 0.0;
  }
  summary["dataset"] = f.beir;
  summary["split"] = f.split;
  summary["top_k"] = f.top_k;
  summary["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary["seconds_retrieval"] = result.seconds_retrieve;
  if (!f.run.empty()) eval::write_trec_run(f.run, result.run);
  write_per_query(f.per_query, result.evaluation);
  print_summary(f.output, summary);
  return 0;
}

}  // namespace

Runner add_eval(CLI::App& cmd) {
  auto f = std::make_shared<EvalFlags>();
  cmd.description(
      "Evaluate retrieval with trec_eval's measures (nDCG, MRR, MAP, recall, precision at each "
      "cutoff), averaged over every judged query as trec_eval -c does. Either run a retriever "
      "over a BEIR dataset (--beir DIR with --bm25, --model M, or --hybrid --model M), or score "
      "an existing TREC run (--qrels FILE --run FILE). Prints one JSON object.");
  auto* beir = cmd.add_option("--beir", f->beir,
                              "BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv");
  cmd.add_option("--split", f->split, "Qrels split to evaluate (qrels/<split>.tsv)")
      ->capture_default_str();
  cmd.add_flag("--bm25", f->bm25,
               "Retrieve with BM25 as Anserini's BEIR flat baseline: title + text, Lucene's "
               "English analysis, k1 = 0.9, b = 0.4");
  auto* qrels = cmd.add_option("--qrels", f->qrels,
                               "Judgments (BEIR tsv or TREC qrels) to score --run against; no "
                               "retrieval is done");
  cmd.add_option("--run", f->run,
                 "TREC run file (qid Q0 docid rank score tag): written with --beir, read with "
                 "--qrels");
  cmd.add_option("--run-tag", f->run_tag, "Tag (last column) of the written run")->capture_default_str();
  cmd.add_option("--per-query", f->per_query, "Write every query's metrics to this JSON file");
  cmd.add_option("--k", f->cutoffs, "Metric cutoffs, comma-separated (10, 100, 1000 are always added)")
      ->delimiter(',')
      ->capture_default_str();
  cmd.add_option("--top-k", f->top_k, "Documents retrieved per query")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  cmd.add_option("--k1", f->k1, "BM25 k1")->check(CLI::Range(0.0, 1000.0))->capture_default_str();
  cmd.add_option("--b", f->b, "BM25 b")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd.add_option("--model", f->encoder.model,
                 "Retrieve with this embedding model (dense, exact cosine, as MTEB): a folder, .gguf file "
                 "or Hugging Face id");
  cmd.add_flag("--hybrid", f->hybrid, "With --model: fuse BM25 and dense rankings (reciprocal rank fusion, k = 60)");
  auto* qp = cmd.add_option("--query-prompt", f->query_prompt,
                            "Prompt (by name, from the model's config) for queries; default: the model's "
                            "'query' or 'search_query' prompt if it has one");
  auto* qx = cmd.add_option("--query-prefix", f->query_prefix, "Literal prefix for queries instead of a prompt");
  auto* dp = cmd.add_option("--doc-prompt", f->doc_prompt,
                            "Prompt (by name) for documents; default: the model's 'document', 'passage' or "
                            "'search_document' prompt if it has one");
  auto* dx = cmd.add_option("--doc-prefix", f->doc_prefix, "Literal prefix for documents instead of a prompt");
  qp->excludes(qx);
  qx->excludes(qp);
  dp->excludes(dx);
  dx->excludes(dp);
  add_encoder_flags(cmd, f->encoder);
  cmd.add_option("--threads", f->threads, "Threads (0 = one per core)")->capture_default_str();
  cmd.add_option("--output", f->output, "Write the JSON result here instead of stdout");
  cmd.add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  beir->excludes(qrels);
  qrels->excludes(beir);
  return [f] {
    if (!f->qrels.empty()) return evaluate_run_file(*f);
    if (f->beir.empty()) throw usage_error("molt eval needs --beir DIR or --qrels FILE --run FILE");
    return evaluate_beir_dataset(*f);
  };
}

}  // namespace molt::cli
