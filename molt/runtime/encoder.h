// Encoder: a sentence-embedding model loaded once and called many times — texts (or token
// ids) in, one vector per text out, equal to what sentence-transformers computes.
//
// Design
//  - Load reads a model folder as sentence-transformers 2.7 does (config.json, modules.json,
//    1_Pooling/, Dense and Normalize modules, sentence_bert_config.json,
//    config_sentence_transformers.json; a plain transformers folder gets mean pooling), or a
//    GGUF file (hyper-parameters, tokenizer and weights from the file; pooling from its
//    pooling_type; model::read_gguf_sentence_config's defaults, or the sentence-transformers
//    files beside it), memory-maps the weights (an F32 model runs straight from the page
//    cache; nothing is copied), checks every tensor's shape against the configuration, and
//    hashes configuration and weights into the model's identity. Everything is validated
//    before the first encode.
//  - Encode: the model's own text preparation (prompt, strip, lower-case, truncation), then
//    sequences sorted by length and packed into batches under a token budget — the tokens of
//    a batch form one [n_tokens, hidden] matrix for every linear layer, no padding anywhere;
//    attention runs per sequence on its own length. Token states go through the one
//    pooling stage (pooling/), then Matryoshka truncation when a smaller dim is asked for.
//  - Threads: the encoder owns a pool of n_threads; every op splits its work across it and
//    the matrix libraries (oneDNN, OpenBLAS) run single-threaded inside it (no
//    oversubscription).
//  - Precision: fp32, bf16 or int8 matrix products (EncoderOptions::precision), the weights
//    packed for the chosen kernels and precision at load; everything after the encoder
//    (pooling, Dense heads, normalization) is f32.
//  - Thread-safe: encode calls may come from many threads at once. They share the pool
//    (whose parallel sections run one at a time) and each lease their own scratch workspace.
//  - Copies of an Encoder share the loaded model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/progress.h"
#include "molt/runtime/model_info.h"
#include "molt/runtime/precision.h"
#include "molt/tokenizer/tokenizer.h"

namespace molt::runtime {

// Fixed at load.
struct EncoderOptions {
  int n_threads = 0;                      // <= 0: one per hardware thread
  // The number format of the encoder's matrix products (compute/precision.h): fp32 (exact
  // to the reference), bf16 or int8. Weights are packed for it once, at load.
  Precision precision = Precision::kF32;
  // Tokens per forward pass. Bounds the workspace (about 10 · hidden floats per token) while
  // keeping matrix products large; a sequence longer than this goes through alone.
  std::size_t max_batch_tokens = 4096;
  std::string name;                       // the model's name; empty: derived from the path
  bool reference_kernels = false;         // the scalar oracle kernels (slow; tests, debugging)
};

// Per call.
struct EmbedOptions {
  // A prompt by name from the model's config_sentence_transformers.json, or a literal
  // prefix; at most one of the two. Neither: the model's default prompt, if it names one.
  std::string prompt_name;
  std::optional<std::string> prefix;
  std::size_t dim = 0;          // Matryoshka dimension, 1..info().dim; 0: full
  std::size_t batch_size = 32;  // sequences per forward pass, at most
  ProgressFn progress;          // stage "embed", unit "docs", after every batch
};

struct Embeddings {
  std::size_t n = 0;
  std::size_t dim = 0;
  std::vector<float> values;            // f32 [n, dim], row-major, row i for input i
  std::vector<std::uint32_t> n_tokens;  // tokens of each input after truncation

  std::span<const float> row(std::size_t i) const { return {values.data() + i * dim, dim}; }
};

class Encoder {
 public:
  // A model folder or a .gguf file. Throws not_found_error for a missing path or file,
  // input_error naming the file and the field, metadata key or tensor for anything malformed
  // or unsupported.
  static Encoder load(const std::filesystem::path& folder_or_gguf, const EncoderOptions& options = {});

  const ModelInfo& info() const;
  std::size_t dim() const { return info().dim; }
  const tokenizer::Tokenizer& tokenizer() const;

  // Embeds `texts`: f32 [texts.size(), dim], row i for texts[i], after the model's own text
  // preparation (tokenize()). Throws usage_error for an unknown prompt name, a prompt and a
  // prefix together, or a dim larger than the model's; input_error when the tokenizer gives
  // an id outside the model's vocabulary (naming the text's index as the row).
  Embeddings embed(std::span<const std::string> texts, const EmbedOptions& options = {}) const;

  // The model's own text preparation, as sentence-transformers does it: the prompt (by name,
  // a literal prefix, or the model's default prompt) prepended, Python's str.strip(), Python's
  // str.lower() when sentence_bert_config.json says do_lower_case (the prompt included), then
  // the tokenizer with [CLS] … [SEP], truncated at max_seq_length. ids are what embed()
  // feeds the model; tokens are filled. Same usage errors as embed().
  tokenizer::Encoding tokenize(std::string_view text, const EmbedOptions& options = {}) const;

  // Pre-tokenized input: each entry is the complete id sequence the model sees (special
  // tokens included, as from tokenize()). No prompt applies (a prompt in `options` is a
  // usage error); sequences longer than max_seq_length keep their first max_seq_length
  // ids. Throws input_error for an empty sequence or an id outside the vocabulary, naming
  // the input's index as the row.
  Embeddings embed_tokens(std::span<const std::vector<std::int32_t>> ids,
                          const EmbedOptions& options = {}) const;

  // Floating-point operations (2 per multiply-add) of the forward pass on sequences of
  // these token counts, nothing for padding — for throughput figures (GFLOP/s).
  double flops(std::span<const std::uint32_t> n_tokens) const;

  // The kernel table computing ("avx512", "cpu" or "reference"; compute/kernels.h), the
  // precision and the number of threads, as chosen at load.
  std::string_view kernels() const;
  Precision precision() const;
  int n_threads() const;

  Encoder(const Encoder&) = default;
  Encoder& operator=(const Encoder&) = default;
  Encoder(Encoder&&) noexcept = default;
  Encoder& operator=(Encoder&&) noexcept = default;
  ~Encoder();

  struct Impl;

 private:
  explicit Encoder(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace molt::runtime
