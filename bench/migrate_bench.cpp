// Backfill throughput against the encoder alone, on the same documents and model: what a
// migration costs beyond embedding (scrolling, the conditional vector writes, the
// checkpoint, one transaction per batch). The model is the all-MiniLM-L6-v2-sized one of
// scripts/make_test_models.sh (MOLT_TEST_GENERATED), the documents the first 64 of BEIR
// SciFact (MOLT_TEST_DATA, default ../shared/data), title and text joined as MTEB does.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/mteb_text.h"
#include "molt/migrate/backfill.h"
#include "molt/migrate/transitions.h"
#include "molt/runtime/encoder.h"
#include "molt/store/store.h"

namespace {

constexpr std::size_t kDocs = 64;
constexpr std::size_t kBatch = 64;  // molt migrate run's default --batch-size

std::filesystem::path env_or(const char* name, const std::filesystem::path& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::filesystem::path(v) : fallback;
}

std::filesystem::path minilm_dir() {
  return env_or("MOLT_TEST_GENERATED", std::filesystem::path(MOLT_SOURCE_DIR) / "build" / "test-models") /
         "all-MiniLM-L6-v2";
}

std::vector<std::string> scifact_texts() {
  const auto dir = env_or("MOLT_TEST_DATA", std::filesystem::path(MOLT_SOURCE_DIR) / ".." / "shared" / "data") /
                   "beir" / "scifact";
  const molt::eval::BeirDataset ds = molt::eval::load_beir(dir);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < kDocs && i < ds.corpus.size(); ++i) texts.push_back(molt::eval::document_text(ds.corpus[i]));
  return texts;
}

// The runtime's Encoder as the store sees a model, as molt migrate run wraps it.
class MiniLmSpaceEncoder final : public molt::store::SpaceEncoder {
 public:
  explicit MiniLmSpaceEncoder(molt::runtime::Encoder encoder) : encoder_(std::move(encoder)) {}
  molt::store::ModelIdentity identity() const override {
    return {encoder_.info().identity.name, encoder_.info().identity.hash};
  }
  std::size_t dim() const override { return encoder_.dim(); }
  std::vector<float> embed(std::span<const std::string> texts, const molt::store::EmbedRequest&) override {
    molt::runtime::EmbedOptions options;
    options.batch_size = kBatch;
    return encoder_.embed(texts, options).values;
  }
  const molt::runtime::Encoder& encoder() const { return encoder_; }

 private:
  molt::runtime::Encoder encoder_;
};

bool have_inputs(benchmark::State& state) {
  if (!std::filesystem::exists(minilm_dir())) {
    state.SkipWithError("run scripts/make_test_models.sh first");
    return false;
  }
  return true;
}

// The encoder alone: the documents embedded in batches of kBatch.
void BM_EncodeScifactDocs(benchmark::State& state) {
  if (!have_inputs(state)) return;
  molt::runtime::EncoderOptions options;
  options.n_threads = static_cast<int>(state.range(0));
  MiniLmSpaceEncoder encoder(molt::runtime::Encoder::load(minilm_dir(), options));
  const std::vector<std::string> texts = scifact_texts();
  for (auto _ : state) {
    const auto v = encoder.embed(texts, {});
    benchmark::DoNotOptimize(v.data());
  }
  state.counters["docs/s"] =
      benchmark::Counter(static_cast<double>(texts.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EncodeScifactDocs)->Arg(2)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

// A whole backfill of the same documents into a new space of the same model: a fresh store
// each iteration (its set-up not timed), whose old space holds supplied vectors.
void BM_BackfillScifactDocs(benchmark::State& state) {
  if (!have_inputs(state)) return;
  molt::runtime::EncoderOptions options;
  options.n_threads = static_cast<int>(state.range(0));
  MiniLmSpaceEncoder encoder(molt::runtime::Encoder::load(minilm_dir(), options));
  const std::vector<std::string> texts = scifact_texts();
  const auto root = std::filesystem::temp_directory_path() / ("molt-migrate-bench-" + std::to_string(::getpid()));
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto dir = root / std::to_string(round++);
    std::filesystem::remove_all(dir);
    molt::store::Store db(dir, {.create = true, .threads = 1});
    db.create_collection("kb");
    molt::store::SpaceConfig old;
    old.name = "old";
    old.dim = old.model_dim = 8;
    old.index_spec = molt::index::parse_index_spec("flat");
    db.create_space("kb", old);
    std::vector<molt::store::DocumentWrite> docs(texts.size());
    std::mt19937 rng(1);
    std::normal_distribution<float> gauss;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      docs[i].id = "d" + std::to_string(1000 + i);
      docs[i].text = texts[i];
      auto& v = docs[i].vectors["old"];
      for (int k = 0; k < 8; ++k) v.push_back(gauss(rng));
    }
    db.upsert("kb", docs);
    molt::store::SpaceConfig target;
    target.name = "new";
    target.model = minilm_dir().string();
    target.model_name = encoder.identity().name;
    target.model_hash = encoder.identity().hash;
    target.dim = target.model_dim = encoder.dim();
    target.index_spec = molt::index::parse_index_spec("flat");
    const molt::migrate::Migration m = molt::migrate::begin_migration(db, "kb", target);
    state.ResumeTiming();
    const auto r = molt::migrate::run_backfill(db, "kb", m, encoder, {.batch_size = kBatch});
    benchmark::DoNotOptimize(r.written);
  }
  std::filesystem::remove_all(root);
  state.counters["docs/s"] =
      benchmark::Counter(static_cast<double>(texts.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BackfillScifactDocs)->Arg(2)->MeasureProcessCPUTime()->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
