// Tokenizer throughput on one thread: every SciFact document (title + " " + text, as MTEB
// joins them; 5,183 documents, 7.9 MB) through all-MiniLM-L6-v2's tokenizer (the real
// uncased BERT vocabulary). Bytes/s counts the UTF-8 text in, tokens/s the ids out.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/mteb_text.h"
#include "molt/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;

fs::path shared_dir(const char* env_var, const char* name) {
  const char* env = std::getenv(env_var);
  if (env != nullptr && *env != '\0') return env;
  return fs::path(MOLT_SOURCE_DIR).parent_path() / "shared" / name;
}

struct Corpus {
  std::vector<std::string> texts;
  std::size_t bytes = 0;
};

const Corpus* scifact() {
  static const Corpus corpus = [] {
    Corpus c;
    const fs::path dir = shared_dir("MOLT_TEST_DATA", "data") / "beir" / "scifact";
    if (!fs::exists(dir / "corpus.jsonl")) return c;
    for (const auto& doc : molt::eval::load_beir(dir, "test").corpus) {
      c.texts.push_back(molt::eval::document_text(doc));
      c.bytes += c.texts.back().size();
    }
    return c;
  }();
  return corpus.texts.empty() ? nullptr : &corpus;
}

const molt::tokenizer::Tokenizer* minilm() {
  static const auto tok = [] {
    const fs::path dir = shared_dir("MOLT_TEST_MODELS", "models") / "all-MiniLM-L6-v2";
    return fs::exists(dir / "tokenizer.json") ? std::optional(molt::tokenizer::Tokenizer::load(dir)) : std::nullopt;
  }();
  return tok ? &*tok : nullptr;
}

void run(benchmark::State& state, const molt::tokenizer::EncodeOptions& options) {
  const Corpus* corpus = scifact();
  const auto* tok = minilm();
  if (corpus == nullptr || tok == nullptr) {
    state.SkipWithError("SciFact or all-MiniLM-L6-v2 not found (set MOLT_TEST_DATA / MOLT_TEST_MODELS)");
    return;
  }
  std::size_t tokens = 0;
  for (auto _ : state) {
    tokens = 0;
    for (const std::string& text : corpus->texts) tokens += tok->encode(text, options).ids.size();
    benchmark::DoNotOptimize(tokens);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus->bytes));
  state.counters["tokens_per_s"] = benchmark::Counter(static_cast<double>(tokens) * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
  state.counters["docs"] = static_cast<double>(corpus->texts.size());
  state.counters["tokens"] = static_cast<double>(tokens);
}

// Every token of every document (a max length beyond any document: all-MiniLM-L6-v2's
// tokenizer.json would otherwise truncate at 128).
constexpr std::size_t kNoLimit = std::size_t{1} << 30;

void BM_TokenizeSciFact(benchmark::State& state) {
  molt::tokenizer::EncodeOptions options;
  options.max_length = kNoLimit;
  run(state, options);
}
BENCHMARK(BM_TokenizeSciFact)->Unit(benchmark::kMillisecond);

// What embedding needs: truncated at 256 (the model's max_seq_length), stopping once full.
void BM_TokenizeSciFactTruncated(benchmark::State& state) {
  molt::tokenizer::EncodeOptions options;
  options.max_length = 256;
  options.count_untruncated = false;
  run(state, options);
}
BENCHMARK(BM_TokenizeSciFactTruncated)->Unit(benchmark::kMillisecond);

// The same with token strings (what `molt tokenize` prints).
void BM_TokenizeSciFactWithTokens(benchmark::State& state) {
  molt::tokenizer::EncodeOptions options;
  options.max_length = kNoLimit;
  options.want_tokens = true;
  run(state, options);
}
BENCHMARK(BM_TokenizeSciFactWithTokens)->Unit(benchmark::kMillisecond);

void BM_LoadTokenizerJson(benchmark::State& state) {
  const fs::path dir = shared_dir("MOLT_TEST_MODELS", "models") / "all-MiniLM-L6-v2";
  if (!fs::exists(dir / "tokenizer.json")) {
    state.SkipWithError("all-MiniLM-L6-v2 not found (set MOLT_TEST_MODELS)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(molt::tokenizer::Tokenizer::load(dir));
}
BENCHMARK(BM_LoadTokenizerJson)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
