#include "molt/runtime/encoder.h"

#include <algorithm>
#include <cstring>

#include "molt/arch/registry.h"
#include "molt/base/error.h"
#include "molt/base/thread_pool.h"
#include "molt/compute/blas.h"
#include "molt/compute/context.h"
#include "molt/model/gguf_model.h"
#include "molt/model/gguf_weight_source.h"
#include "molt/model/sentence_transformers.h"
#include "molt/model/weight_source.h"
#include "molt/pooling/sentence_head.h"
#include "molt/runtime/batch_plan.h"
#include "molt/runtime/workspace_pool.h"
#include "molt/tokenizer/python_text.h"

namespace molt::runtime {
namespace fs = std::filesystem;

namespace {

// One sequence to encode: its ids (already truncated) and, when a prompt was used and the
// model pools without it, how many leading tokens the prompt covers.
struct Sequence {
  std::span<const std::int32_t> ids;
  std::uint32_t prompt_length = 0;
};

std::string relative_to(const fs::path& root, const fs::path& file) {
  return file.lexically_normal().lexically_relative(root.lexically_normal()).generic_string();
}

}  // namespace

// A call's prompt, ready to prepend: its text, and how many leading tokens it covers as
// sentence-transformers counts them (len(tokenize(prompt)) - 1, [CLS] included), which
// pooling leaves out when the model's Pooling says include_prompt: false.
struct PreparedPrompt {
  std::optional<std::string> text;
  std::uint32_t length = 0;
};

struct Encoder::Impl {
  ModelInfo info;
  std::optional<tokenizer::Tokenizer> tokenizer;
  model::SentenceTransformersConfig st;  // keeps the Dense modules' files mapped
  std::unique_ptr<model::WeightSource> weights;
  std::unique_ptr<arch::Architecture> arch;  // views `weights`: declared after it
  std::unique_ptr<pooling::SentenceHead> head;
  std::unique_ptr<ThreadPool> pool;
  compute::Context ctx;
  std::size_t max_batch_tokens = 0;
  mutable WorkspacePool workspaces;

  void check_dim(const EmbedOptions& options) const;
  PreparedPrompt prompt_for(const EmbedOptions& options) const;
  tokenizer::Encoding tokenize(std::string_view text, const std::optional<std::string>& prompt,
                               bool want_tokens) const;
  Embeddings encode(std::span<const Sequence> seqs, const EmbedOptions& options) const;
  void pack_weights() const;
};

// Weights are packed for the run's kernels and precision on their first product
// (compute::Weight::packed); one forward pass over a single token makes every product run
// once, so that it happens here, at load, and the first encode pays nothing.
void Encoder::Impl::pack_weights() const {
  const std::vector<std::int32_t> ids = {0};
  const std::vector<std::uint32_t> offsets = {0, 1};
  WorkspacePool::Lease ws = workspaces.lease();
  compute::Context call_ctx = ctx;
  call_ctx.scratch = ws.workers(static_cast<std::size_t>(ctx.n_workers()));
  const compute::MatrixView states(ws->floats(info.hidden_size).data(), 1, info.hidden_size);
  arch->forward(call_ctx, arch::TokenBatch{ids, offsets}, *ws, states);
}

void Encoder::Impl::check_dim(const EmbedOptions& options) const {
  if (options.dim > info.dim) {
    throw usage_error("dimension " + std::to_string(options.dim) + " is larger than the model's " +
                      std::to_string(info.dim));
  }
}

PreparedPrompt Encoder::Impl::prompt_for(const EmbedOptions& options) const {
  PreparedPrompt p;
  if (options.prefix) {
    if (!options.prompt_name.empty()) throw usage_error("a prompt name and a prefix exclude each other");
    p.text = *options.prefix;
  } else if (!options.prompt_name.empty()) {
    const auto it = info.prompts.find(options.prompt_name);
    if (it == info.prompts.end()) {
      std::string known;
      for (const auto& [name, text] : info.prompts) known += (known.empty() ? "" : ", ") + name;
      throw usage_error("the model has no prompt '" + options.prompt_name + "'" +
                        (known.empty() ? std::string(" (it defines none)") : " (it has: " + known + ")"));
    }
    p.text = it->second;
  } else if (info.default_prompt_name) {
    p.text = info.prompts.at(*info.default_prompt_name);
  }
  if (p.text) {
    // sentence-transformers tokenizes the prompt alone, with the same preparation.
    const std::size_t n = tokenize("", p.text, false).ids.size();
    p.length = n == 0 ? 0 : static_cast<std::uint32_t>(n - 1);
  }
  return p;
}

tokenizer::Encoding Encoder::Impl::tokenize(std::string_view text, const std::optional<std::string>& prompt,
                                            bool want_tokens) const {
  std::string prepared = prompt ? *prompt + std::string(text) : std::string(text);
  prepared = tokenizer::python_strip(prepared);
  if (info.do_lower_case) prepared = tokenizer::python_lower(prepared);
  tokenizer::EncodeOptions eo;
  eo.max_length = info.max_seq_length;
  eo.want_tokens = want_tokens;
  eo.count_untruncated = want_tokens;
  return tokenizer->encode(prepared, eo);
}

Embeddings Encoder::Impl::encode(std::span<const Sequence> seqs, const EmbedOptions& options) const {
  const std::size_t dim = options.dim == 0 ? info.dim : options.dim;
  Embeddings out;
  out.n = seqs.size();
  out.dim = dim;
  out.values.assign(out.n * dim, 0.0f);
  out.n_tokens.resize(out.n);
  std::vector<std::uint32_t> lengths(seqs.size());
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    lengths[i] = static_cast<std::uint32_t>(seqs[i].ids.size());
    out.n_tokens[i] = lengths[i];
  }
  // The pool owns the threads: matrix products run single-threaded inside its tasks.
  if (compute::blas_threads() != 1) compute::set_blas_threads(1);

  const auto batches = plan_batches(lengths, options.batch_size, max_batch_tokens);
  WorkspacePool::Lease ws = workspaces.lease();
  // This call's context: the encoder's, with this call's per-worker arenas. Everything after
  // the encoder (pooling, Dense heads: per text, not per token) computes in f32.
  compute::Context call_ctx = ctx;
  call_ctx.scratch = ws.workers(static_cast<std::size_t>(ctx.n_workers()));
  compute::Context head_ctx = call_ctx;
  head_ctx.precision = compute::Precision::kF32;
  std::vector<std::int32_t> ids;
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint32_t> prompt_lengths;
  std::size_t done = 0;
  if (options.progress) options.progress({"embed", 0, out.n, "docs"});
  for (const PlannedBatch& batch : batches) {
    ws->reset();
    ids.clear();
    offsets.assign(1, 0);
    prompt_lengths.clear();
    for (const std::size_t i : batch.items) {
      ids.insert(ids.end(), seqs[i].ids.begin(), seqs[i].ids.end());
      offsets.push_back(static_cast<std::uint32_t>(ids.size()));
      prompt_lengths.push_back(seqs[i].prompt_length);
    }
    const std::size_t n_seqs = batch.items.size();
    const compute::MatrixView states(ws->floats(ids.size() * info.hidden_size).data(), ids.size(),
                                     info.hidden_size);  // f32 [n_tokens, hidden]
    arch->forward(call_ctx, arch::TokenBatch{ids, offsets}, *ws, states);
    const compute::MatrixView vectors(ws->floats(n_seqs * dim).data(), n_seqs, dim);  // f32 [n_seqs, dim]
    head->apply(head_ctx, states, offsets, prompt_lengths, *ws, vectors);
    for (std::size_t s = 0; s < n_seqs; ++s) {
      std::memcpy(out.values.data() + batch.items[s] * dim, vectors.row(s), dim * sizeof(float));
    }
    done += n_seqs;
    if (options.progress) options.progress({"embed", done, out.n, "docs"});
  }
  return out;
}

Encoder::Encoder(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Encoder::~Encoder() = default;

const ModelInfo& Encoder::info() const { return impl_->info; }

const tokenizer::Tokenizer& Encoder::tokenizer() const { return *impl_->tokenizer; }

namespace {

// What opening a model gives, whatever its format, before the shared checks.
struct OpenedModel {
  const arch::ArchitectureEntry* entry = nullptr;
  fs::path root;                   // the folder the configuration files are relative to
  std::vector<std::string> files;  // configuration and tokenizer files, for the identity
  std::optional<std::int64_t> tokenizer_max_length;  // tokenizer_config.json's model_max_length
  std::string config_file;         // where the transformer's hyper-parameters come from, for errors
};

// A Hugging Face / sentence-transformers folder: config.json, safetensors weights, the tokenizer
// files, and the sentence-transformers modules.
OpenedModel open_folder(const fs::path& path, Encoder::Impl& impl) {
  OpenedModel m;
  impl.st = model::read_sentence_transformers_config(path);
  const fs::path& folder = impl.st.transformer_folder;
  const fs::path config_path = folder / "config.json";
  std::error_code ec;
  if (!fs::exists(config_path, ec)) {
    throw not_found_error("no config.json: not a transformers model folder", {.file = config_path.string()});
  }
  const model::JsonConfig config = model::JsonConfig::read(config_path);
  m.entry = &arch::find_architecture(config);
  impl.tokenizer = tokenizer::Tokenizer::load(folder);
  impl.weights = model::open_weights(folder);
  impl.arch = m.entry->load(config, *impl.weights);
  m.root = path;
  m.files = impl.st.files;
  m.files.push_back(relative_to(path, config_path));
  for (const char* name : model::tokenizer_file_names()) m.files.push_back(relative_to(path, folder / name));
  m.tokenizer_max_length = model::tokenizer_model_max_length(folder);
  m.config_file = config_path.string();
  return m;
}

// A GGUF file: hyper-parameters, tokenizer and weights from the file; the pipeline after the
// transformer from its pooling_type, the sentence-transformers files beside it, and
// model::read_gguf_sentence_config's defaults.
OpenedModel open_gguf(const fs::path& path, Encoder::Impl& impl) {
  OpenedModel m;
  auto weights = std::make_unique<model::GgufWeightSource>(path);
  const formats::GgufMetadata& metadata = weights->metadata();
  m.entry = &arch::find_gguf_architecture(metadata, weights->source());
  impl.arch = m.entry->load_gguf(metadata, *weights);
  impl.st = model::read_gguf_sentence_config(path, metadata, m.entry->gguf_architecture,
                                             static_cast<std::int64_t>(impl.arch->hidden_size()));
  impl.tokenizer = tokenizer::Tokenizer::from_gguf(weights->file());
  impl.weights = std::move(weights);
  m.root = impl.st.transformer_folder;
  m.files = impl.st.files;
  m.config_file = path.string();
  return m;
}

}  // namespace

Encoder Encoder::load(const fs::path& path, const EncoderOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw not_found_error("no such model", {.file = path.string()});
  auto impl = std::make_shared<Impl>();
  OpenedModel opened;
  if (fs::is_directory(path, ec)) {
    opened = open_folder(path, *impl);
  } else if (path.extension() == ".gguf") {
    opened = open_gguf(path, *impl);
  } else {
    throw input_error("not a model: a model folder or a .gguf file", {.file = path.string()});
  }
  const arch::ArchitectureEntry& entry = *opened.entry;
  const arch::Architecture& a = *impl->arch;

  model::PoolingConfig pooling =
      impl->st.pooling ? *impl->st.pooling : model::default_pooling_config(static_cast<std::int64_t>(a.hidden_size()));
  if (static_cast<std::size_t>(pooling.word_embedding_dimension) != a.hidden_size()) {
    throw input_error("word_embedding_dimension " + std::to_string(pooling.word_embedding_dimension) +
                          " disagrees with the transformer's hidden size " + std::to_string(a.hidden_size()),
                      {.file = (opened.root / "1_Pooling" / "config.json").string(), .field = "word_embedding_dimension"});
  }
  impl->head = std::make_unique<pooling::SentenceHead>(pooling, impl->st.heads, entry.matryoshka_pre_step);

  // sentence-transformers' max_seq_length, else Transformer's default: the declared position
  // limit, lowered to the tokenizer's model_max_length. Never beyond the position table.
  std::optional<std::int64_t> max_len = impl->st.max_seq_length;
  if (!max_len) {
    std::optional<std::int64_t> limit;
    if (a.context_length()) limit = static_cast<std::int64_t>(*a.context_length());
    if (const auto tok = opened.tokenizer_max_length) limit = limit ? std::min(*limit, *tok) : *tok;
    if (!limit) {
      throw input_error("no max_seq_length and no position limit: cannot tell where to truncate",
                        {.file = opened.config_file});
    }
    max_len = limit;
  }
  if (a.max_positions()) max_len = std::min<std::int64_t>(*max_len, static_cast<std::int64_t>(*a.max_positions()));
  if (static_cast<std::size_t>(*max_len) < impl->tokenizer->n_special_tokens()) {
    throw input_error("max_seq_length " + std::to_string(*max_len) + " leaves no room beside the special tokens",
                      {.file = path.string(), .field = "max_seq_length"});
  }

  ModelInfo& info = impl->info;
  info.path = path;
  info.format = impl->weights->format();
  info.architecture = std::string(a.model_type());
  info.architecture_details = a.describe();
  info.pooling = impl->head->describe();
  info.dim = impl->head->output_dim();
  info.hidden_size = a.hidden_size();
  info.vocab_size = a.vocab_size();
  info.max_seq_length = static_cast<std::size_t>(*max_len);
  info.normalizes = impl->head->normalizes();
  info.do_lower_case = impl->st.do_lower_case;
  info.sentence_transformers = impl->st.has_modules_json;
  info.prompts = impl->st.prompts;
  info.default_prompt_name = impl->st.default_prompt_name;
  info.matryoshka_pre_step = entry.matryoshka_pre_step;
  for (const model::WeightFile& f : impl->weights->files()) info.weight_bytes += f.bytes.size();

  info.identity.name = options.name.empty() ? model::default_model_name(path) : options.name;
  info.identity.hash = model::model_content_hash(opened.root, opened.files, *impl->weights);

  impl->max_batch_tokens = std::max<std::size_t>(options.max_batch_tokens, 1);
  impl->pool = std::make_unique<ThreadPool>(options.n_threads);
  impl->ctx.pool = impl->pool.get();
  impl->ctx.kernels = options.reference_kernels ? &compute::reference_kernels() : &compute::default_kernels();
  impl->ctx.precision = options.precision;
  impl->pack_weights();
  return Encoder(std::move(impl));
}

double Encoder::flops(std::span<const std::uint32_t> n_tokens) const { return impl_->arch->flops(n_tokens); }

std::string_view Encoder::kernels() const { return impl_->ctx.kernels->name; }

Precision Encoder::precision() const { return impl_->ctx.precision; }

int Encoder::n_threads() const { return impl_->pool->size(); }

Embeddings Encoder::embed_tokens(std::span<const std::vector<std::int32_t>> ids, const EmbedOptions& options) const {
  if (!options.prompt_name.empty() || options.prefix) {
    throw usage_error("a prompt cannot be applied to token ids: include its tokens in the ids");
  }
  impl_->check_dim(options);
  const ModelInfo& info = impl_->info;
  std::vector<Sequence> seqs(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::vector<std::int32_t>& seq = ids[i];
    if (seq.empty()) throw input_error("an empty token sequence", {.row = std::to_string(i)});
    const std::size_t len = std::min(seq.size(), info.max_seq_length);
    for (std::size_t t = 0; t < len; ++t) {
      if (seq[t] < 0 || static_cast<std::size_t>(seq[t]) >= info.vocab_size) {
        throw input_error("token id " + std::to_string(seq[t]) + " at position " + std::to_string(t) +
                              " is outside the vocabulary (" + std::to_string(info.vocab_size) + " ids)",
                          {.row = std::to_string(i)});
      }
    }
    seqs[i].ids = std::span<const std::int32_t>(seq.data(), len);
  }
  return impl_->encode(seqs, options);
}

tokenizer::Encoding Encoder::tokenize(std::string_view text, const EmbedOptions& options) const {
  return impl_->tokenize(text, impl_->prompt_for(options).text, /*want_tokens=*/true);
}

Embeddings Encoder::embed(std::span<const std::string> texts, const EmbedOptions& options) const {
  impl_->check_dim(options);
  const PreparedPrompt prompt = impl_->prompt_for(options);
  const ModelInfo& info = impl_->info;
  // Tokenization is independent per text: spread over the pool, a slice of texts per task.
  std::vector<tokenizer::Encoding> encodings(texts.size());
  constexpr std::size_t kPerTask = 16;
  const std::size_t n_tasks = (texts.size() + kPerTask - 1) / kPerTask;
  std::vector<std::optional<Error>> failures(n_tasks);
  impl_->pool->parallel_for(n_tasks, [&](std::size_t task, int) {
    try {
      for (std::size_t i = task * kPerTask; i < std::min(texts.size(), (task + 1) * kPerTask); ++i) {
        encodings[i] = impl_->tokenize(texts[i], prompt.text, false);
      }
    } catch (const Error& e) {
      failures[task] = e;
    }
  });
  for (const auto& f : failures) {
    if (f) throw *f;
  }
  std::vector<Sequence> seqs(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (const std::int32_t id : encodings[i].ids) {
      if (id < 0 || static_cast<std::size_t>(id) >= info.vocab_size) {
        throw input_error("the tokenizer gives id " + std::to_string(id) + ", outside the model's vocabulary of " +
                              std::to_string(info.vocab_size) + " (config.json vocab_size)",
                          {.row = std::to_string(i)});
      }
    }
    seqs[i].ids = encodings[i].ids;
    seqs[i].prompt_length = prompt.length;
  }
  return impl_->encode(seqs, options);
}


}  // namespace molt::runtime
