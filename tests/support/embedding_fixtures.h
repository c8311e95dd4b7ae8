// The reference embeddings of ../shared/fixtures (REFERENCE.md): every expected*.jsonl of the
// BERT and NomicBERT models, with the model folder each belongs to, and the bounds they are
// checked with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace molt::test {

struct ExpectedEmbedding {
  std::int64_t id = 0;
  std::string text;
  std::vector<std::int32_t> ids;  // what the model sees: prompt + text, [CLS] ... [SEP], truncated
  std::size_t n_tokens_untruncated = 0;
  std::vector<float> embedding;

  bool truncated() const { return n_tokens_untruncated > ids.size(); }
};

struct ExpectedFile {
  std::string model;                  // "tiny-bert", "full-size/all-MiniLM-L6-v2"
  std::filesystem::path model_dir;    // the model folder to load
  std::filesystem::path path;         // the expected*.jsonl
  std::string molt_args;              // the `molt embed` flags its embeddings are for
  std::string prompt_name;            // --prompt NAME, or empty
  std::size_t dim = 0;                // --dim N, or 0
  std::vector<ExpectedEmbedding> lines;
};

// The models with goldens: the tiny ones in fixtures_dir() and the full-size ones whose
// weights scripts/make_test_models.sh writes into generated_models_dir().
struct FixtureModel {
  std::string name;
  std::filesystem::path model_dir;
  std::filesystem::path fixture_dir;
  bool generated = false;     // weights come from generated_models_dir()
  std::string architecture = "bert";  // config.json's model_type
};
std::vector<FixtureModel> embedding_fixture_models();
// For GoogleTest's messages about parameterized tests.
void PrintTo(const FixtureModel& model, std::ostream* os);

// The GGUF twins of the tiny models (fixtures/gguf/<model>-<type>.gguf, made by llama.cpp's
// converter from the safetensors folder), sorted by file name.
struct GgufTwin {
  std::filesystem::path gguf;
  FixtureModel model;  // the safetensors folder it was converted from, with its goldens
  std::string type;    // "f32", "f16", "q8_0"
  // What the task sets: cosine >= 0.99999 to the folder's goldens for F32 files, >= 0.999
  // for F16 and Q8_0 ones (their weights are rounded).
  double min_cosine() const { return type == "f32" ? 0.99999 : 0.999; }
  // True for the golden lines the file alone, with molt's defaults, must not be held to: the
  // ones the twin truncated at its max_seq_length (GGUF does not record it), and the literal
  // "[SEP]" of line 24 for tiny-bert-cls and tiny-bert-f16, whose sentence_bert_config.json
  // lower-cases texts before tokenizing (GGUF does not record do_lower_case either).
  bool alone_differs(const ExpectedEmbedding& line) const;
};
std::vector<GgufTwin> gguf_twins();
// For GoogleTest's messages about parameterized tests.
void PrintTo(const GgufTwin& twin, std::ostream* os);

// Every expected*.jsonl of `model`, sorted by name.
std::vector<ExpectedFile> read_expected_files(const FixtureModel& model);
ExpectedFile read_expected_file(const FixtureModel& model, const std::filesystem::path& path);

// The bounds REFERENCE.md states, per line.
constexpr double kMinCosine = 0.99999;
constexpr double kMaxAbsDiff = 1e-5;

struct Agreement {
  double cosine = 0.0;
  double max_abs = 0.0;
};
Agreement compare_vectors(std::span<const float> got, std::span<const float> want);

// Splits "--prompt query --dim 16" into arguments.
std::vector<std::string> split_args(const std::string& args);

}  // namespace molt::test
