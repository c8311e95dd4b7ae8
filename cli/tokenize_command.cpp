// molt tokenize --model M [--max-length N]: JSONL texts in, one {"id", "ids", "tokens"} line
// out per text — the token ids the model sees, special tokens included, truncated to the
// model's max length (CONTRACT.md).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "molt/base/error.h"
#include "molt/formats/gguf.h"
#include "molt/model/sentence_transformers.h"
#include "molt/tokenizer/tokenizer.h"

namespace molt::cli {
namespace {

namespace fs = std::filesystem;

struct TokenizeFlags {
  std::string model;
  std::size_t max_length = 0;
  std::string input;
  std::string output;
  bool progress = false;
};

// What sentence-transformers does to a text before its tokenizer, and where it truncates.
struct TextPolicy {
  std::optional<std::size_t> max_seq_length;
  bool do_lower_case = false;
};

TextPolicy text_policy(const model::SentenceTransformersConfig& st) {
  TextPolicy policy;
  if (st.max_seq_length) policy.max_seq_length = static_cast<std::size_t>(*st.max_seq_length);
  policy.do_lower_case = st.do_lower_case;
  return policy;
}

int run_tokenize(const TokenizeFlags& f) {
  const ModelLocation location = resolve_model_argument(f.model, f.progress);
  std::optional<tokenizer::Tokenizer> tok;
  TextPolicy policy;
  if (location.gguf) {
    const formats::GgufFile gguf(location.path);
    tok = tokenizer::Tokenizer::from_gguf(gguf);
    // The only length a GGUF file records is the architecture's context length; the
    // sentence-transformers files beside it, when present, say more (as for molt embed).
    if (const auto arch = gguf.metadata().find_string("general.architecture")) {
      if (const auto context = gguf.metadata().find_u32(*arch + ".context_length")) policy.max_seq_length = *context;
    }
    const fs::path folder = location.path.has_parent_path() ? location.path.parent_path() : fs::path(".");
    const TextPolicy beside = text_policy(
        model::read_sentence_transformers_config(folder, model::WithoutModulesJson::kReadTextSettings));
    if (beside.max_seq_length) policy.max_seq_length = beside.max_seq_length;
    policy.do_lower_case = beside.do_lower_case;
  } else {
    // The tokenizer sits with the Transformer module, which modules.json may place in a
    // sub-folder; sentence_bert_config.json is read even without modules.json, since a
    // tokenizer-only folder still says where its model truncates.
    const model::SentenceTransformersConfig st =
        model::read_sentence_transformers_config(location.path, model::WithoutModulesJson::kReadTextSettings);
    tok = tokenizer::Tokenizer::load(st.transformer_folder);
    policy = text_policy(st);
  }
  // --max-length, else sentence-transformers' max_seq_length, else tokenizer.json's
  // truncation (EncodeOptions::max_length 0), else none.
  tokenizer::EncodeOptions options;
  options.want_tokens = true;
  options.max_length = f.max_length > 0 ? f.max_length : policy.max_seq_length.value_or(0);
  const std::size_t limit = options.max_length > 0 ? options.max_length : tok->truncation_max_length().value_or(0);
  if (limit > 0 && limit < tok->n_special_tokens()) {
    throw usage_error("--max-length " + std::to_string(limit) + " leaves no room beside the " +
                      std::to_string(tok->n_special_tokens()) + " special tokens");
  }

  const std::vector<formats::TextRecord> records = read_text_input(f.input);
  OutputSink sink(f.output);
  std::string line;
  for (const formats::TextRecord& record : records) {
    // sentence-transformers: text.strip(), then .lower() when do_lower_case.
    std::string text = tokenizer::python_strip(record.text);
    if (policy.do_lower_case) text = tokenizer::python_lower(text);
    const tokenizer::Encoding e = tok->encode(text, options);
    nlohmann::ordered_json out;
    if (!record.id.is_null()) out["id"] = record.id;
    out["ids"] = e.ids;
    out["tokens"] = e.tokens;
    line = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    sink.write(line);
  }
  sink.commit();
  return 0;
}

}  // namespace

Runner add_tokenize(CLI::App& cmd) {
  cmd.description(
      "Tokenize JSONL texts ({\"text\": ..., \"id\": ...} per line, stdin or --input) as the model "
      "does: one {\"id\", \"ids\", \"tokens\"} line per text, special tokens included, truncated to "
      "the model's max length. The text is prepared as sentence-transformers prepares it "
      "(strip, and lower-case when sentence_bert_config.json says do_lower_case)");
  auto f = std::make_shared<TokenizeFlags>();
  cmd.add_option("--model", f->model,
                 "Model folder (tokenizer.json, else vocab.txt), .gguf file, or Hugging Face id")
      ->required();
  cmd.add_option("--max-length", f->max_length,
                 "Truncate to N tokens, special tokens included (default: sentence_bert_config.json's "
                 "max_seq_length, else tokenizer.json's truncation, for a .gguf its context length, else none; "
                 "a .gguf's folder may hold sentence_bert_config.json)")
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(1) << 30));
  cmd.add_option("--input", f->input, "JSONL input file (default: stdin)");
  cmd.add_option("--output", f->output, "Write the JSONL here (atomically) instead of stdout");
  cmd.add_flag("--progress", f->progress, "Show download progress when the model must be fetched");
  return [f] { return run_tokenize(*f); };
}

}  // namespace molt::cli
