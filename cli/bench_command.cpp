// molt bench: the encoder's throughput on a JSONL file, after one warm-up batch (CONTRACT.md).
//   molt bench --model M --input FILE.jsonl [--batch-size N] [--precision P] [--threads N]
//              [--latency-runs N] [--output FILE]
// The input holds texts ({"text": ...}) or token ids ({"ids": [...]}, as `molt tokenize`
// writes them), told apart by its first line.
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "molt/base/error.h"
#include "molt/formats/jsonl_token_ids.h"
#include "molt/runtime/benchmark.h"

namespace molt::cli {
namespace {

struct BenchFlags {
  EncoderFlags encoder;
  std::string input;
  int threads = 0;
  std::size_t latency_runs = 0;
  std::string output;
};

// v with `digits` decimals (as the nearest double, so JSON shows them and no more).
double round_to(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

int run_bench(const BenchFlags& f) {
  if (f.encoder.dim != 0) throw usage_error("--dim does not apply to molt bench");
  std::ifstream in(f.input, std::ios::binary);
  if (!in) throw not_found_error("cannot open input", {.file = f.input});
  std::stringstream content;
  content << in.rdbuf();
  std::string first;
  for (std::istringstream lines(content.str()); std::getline(lines, first);) {
    if (first.find_first_not_of(" \t\r") != std::string::npos) break;
  }
  std::vector<std::string> texts;
  std::vector<std::vector<std::int32_t>> ids;
  std::istringstream records(content.str());
  const bool token_ids = formats::has_token_ids(first);
  if (token_ids) {
    for (auto& r : formats::read_token_id_records(records, f.input)) ids.push_back(std::move(r.ids));
  } else {
    for (auto& r : formats::read_text_records(records, f.input)) texts.push_back(std::move(r.text));
  }
  const runtime::Encoder encoder = load_encoder(f.encoder, f.threads, false);
  runtime::BenchmarkOptions options;
  options.batch_size = f.encoder.batch_size;
  options.latency_runs = f.latency_runs;
  const runtime::BenchmarkResult r = runtime::benchmark(encoder, texts, ids, options);

  nlohmann::ordered_json out;
  out["docs"] = r.docs;
  out["tokens"] = r.tokens;
  out["seconds"] = round_to(r.seconds, 4);
  out["docs_per_s"] = round_to(r.docs_per_s(), 2);
  out["tokens_per_s"] = round_to(r.tokens_per_s(), 1);
  out["gflops"] = round_to(r.gflops(), 2);
  out["cpu_seconds"] = round_to(r.cpu_seconds, 4);
  out["tokens_per_cpu_s"] = r.cpu_seconds > 0 ? round_to(static_cast<double>(r.tokens) / r.cpu_seconds, 1) : 0.0;
  out["flops"] = r.flops;
  out["warmup_docs"] = r.warmup_docs;
  out["input"] = token_ids ? "ids" : "text";
  out["precision"] = runtime::precision_name(encoder.precision());
  out["kernels"] = std::string(encoder.kernels());
  out["threads"] = encoder.n_threads();
  out["batch_size"] = options.batch_size;
  out["model"] = encoder.info().identity.name;
  out["architecture"] = encoder.info().architecture_details;
  if (!r.latencies_ms.empty()) {
    nlohmann::ordered_json lat;
    lat["runs"] = r.latencies_ms.size();
    lat["mean_tokens"] = round_to(static_cast<double>(r.latency_tokens) / static_cast<double>(r.latencies_ms.size()), 2);
    lat["p50_ms"] = round_to(r.latency_quantile_ms(0.5), 3);
    lat["p90_ms"] = round_to(r.latency_quantile_ms(0.9), 3);
    lat["p99_ms"] = round_to(r.latency_quantile_ms(0.99), 3);
    out["latency"] = lat;
  }
  OutputSink sink(f.output);
  sink.write(out.dump() + "\n");
  sink.commit();
  return 0;
}

}  // namespace

Runner add_bench(CLI::App& cmd) {
  auto f = std::make_shared<BenchFlags>();
  cmd.description(
      "Measure the encoder's throughput: embed one warm-up batch (the first --batch-size inputs), "
      "then the whole input, timed, and print one JSON object: docs, tokens "
      "(real tokens, special tokens included; no padding exists), seconds, docs_per_s, tokens_per_s, "
      "gflops (model FLOP/s counted from the architecture and the real token counts), cpu_seconds "
      "(the process's CPU time during the run), and what ran (precision, kernels, threads).");
  cmd.add_option("--model", f->encoder.model, "Model folder, .gguf file, or Hugging Face id (MOLT_MODELS, HF cache)")
      ->required();
  cmd.add_option("--input", f->input,
                 "JSONL input: texts ({\"text\": ...}, tokenized as part of the timed run) or token ids "
                 "({\"ids\": [...]}, as molt tokenize writes them)")
      ->required();
  add_encoder_flags(cmd, f->encoder);
  cmd.add_option("--threads", f->threads, "Threads (0 = one per core)")->capture_default_str();
  cmd.add_option("--latency-runs", f->latency_runs,
                 "Then embed this many inputs one call each (the first inputs, cycling) and report "
                 "latency p50/p90/p99 in ms")
      ->capture_default_str();
  cmd.add_option("--output", f->output, "Write the JSON here instead of stdout");
  return [f] { return run_bench(*f); };
}

}  // namespace molt::cli
