// molt embed: texts in (JSONL), one vector per text out (JSONL or .npy), exactly as
// sentence-transformers would compute them.
//   molt embed --model M [--prompt NAME | --prefix TEXT] [--dim N] [--precision fp32|bf16|int8]
//              [--batch-size N] [--threads N] [--input FILE] [--output FILE] [--format jsonl|npy]
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "molt/base/error.h"
#include "molt/base/text_format.h"
#include "molt/formats/npy.h"
#include "molt/runtime/encoder.h"

namespace molt::cli {
namespace {

struct EmbedFlags {
  EncoderFlags encoder;
  std::string input;
  std::string prompt;
  std::optional<std::string> prefix;
  int threads = 0;
  std::string output;
  std::string format = "jsonl";
  bool progress = false;
};

// Texts go to the encoder in slices of this many, so that results stream out and progress
// moves, while each slice is still large enough to batch by length.
constexpr std::size_t kSlice = 2048;

void write_jsonl(OutputSink& sink, std::span<const formats::TextRecord> records, const runtime::Embeddings& e) {
  std::string line;
  for (std::size_t i = 0; i < e.n; ++i) {
    line.clear();
    line += '{';
    if (!records[i].id.is_null()) {
      line += "\"id\":";
      line += records[i].id.dump();
      line += ',';
    }
    line += "\"embedding\":";
    append_float_array(line, e.row(i));
    line += "}\n";
    sink.write(line);
  }
}

int run_embed(const EmbedFlags& f) {
  if (f.format != "jsonl" && f.format != "npy") {
    throw usage_error("unknown --format '" + f.format + "' (jsonl, npy)");
  }
  const runtime::Encoder encoder = load_encoder(f.encoder, f.threads, f.progress);

  runtime::EmbedOptions options;
  options.prompt_name = f.prompt;
  options.prefix = f.prefix;
  options.dim = f.encoder.dim;
  options.batch_size = f.encoder.batch_size;
  // Prompt and dimension are checked before any input is read.
  (void)encoder.tokenize("", options);
  if (options.dim > encoder.dim()) {
    throw usage_error("--dim " + std::to_string(options.dim) + " is larger than the model's dimension " +
                      std::to_string(encoder.dim()));
  }
  const std::size_t dim = options.dim == 0 ? encoder.dim() : options.dim;

  const std::vector<formats::TextRecord> records = read_text_input(f.input);
  OutputSink sink(f.output);
  if (f.format == "npy") {
    const std::int64_t shape[] = {static_cast<std::int64_t>(records.size()), static_cast<std::int64_t>(dim)};
    sink.write(formats::npy_header_f32(shape));
  }
  ProgressBar bar(progress_wanted(f.progress));
  const ProgressFn report = bar.callback();
  std::vector<std::string> texts;
  for (std::size_t start = 0; start < records.size(); start += kSlice) {
    const std::size_t end = std::min(records.size(), start + kSlice);
    texts.clear();
    for (std::size_t i = start; i < end; ++i) texts.push_back(records[i].text);
    options.progress = [&](const Progress& p) { report({"embed", start + p.done, records.size(), "docs"}); };
    const runtime::Embeddings e = encoder.embed(texts, options);
    if (f.format == "npy") {
      sink.write(std::string_view(reinterpret_cast<const char*>(e.values.data()), e.values.size() * sizeof(float)));
    } else {
      write_jsonl(sink, std::span(records).subspan(start, end - start), e);
    }
  }
  bar.finish();
  sink.commit();
  return 0;
}

}  // namespace

Runner add_embed(CLI::App& cmd) {
  auto f = std::make_shared<EmbedFlags>();
  cmd.description(
      "Embed texts with a model: JSONL lines {\"id\":..., \"text\":...} in (stdin or --input), "
      "one line {\"id\":..., \"embedding\":[...]} per input line out, in input order (or a "
      "float32 .npy matrix with --format npy). The model's own configuration decides "
      "tokenizer, truncation, pooling and normalization, as sentence-transformers would (a .gguf file: its "
      "metadata, the sentence-transformers files beside it, else L2 normalization and its context length; "
      "see the README).");
  cmd.add_option("--model", f->encoder.model, "Model folder, .gguf file, or Hugging Face id (MOLT_MODELS, HF cache)")
      ->required();
  cmd.add_option("--input", f->input, "JSONL input file (default: stdin)");
  auto* prompt = cmd.add_option("--prompt", f->prompt,
                                "Prepend the model's prompt of this name (config_sentence_transformers.json, e.g. "
                                "bge's query, nomic-embed's search_query or search_document; for a .gguf, the one "
                                "in its folder)");
  auto* prefix = cmd.add_option("--prefix", f->prefix, "Prepend this literal text to every input");
  prompt->excludes(prefix);
  prefix->excludes(prompt);
  add_encoder_flags(cmd, f->encoder);
  cmd.add_option("--threads", f->threads, "Threads (0 = one per core; results do not depend on it)")
      ->capture_default_str();
  cmd.add_option("--output", f->output, "Write here instead of stdout (atomically: complete or not at all)");
  cmd.add_option("--format", f->format, "jsonl, or npy (a float32 [n, dim] matrix, rows in input order)")
      ->capture_default_str();
  cmd.add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  return [f] { return run_embed(*f); };
}

}  // namespace molt::cli
