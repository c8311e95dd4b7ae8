#include "tests/support/fake_embedding_backend.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <thread>

#include "molt/base/error.h"

namespace molt::test {
namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

void normalize(std::span<float> v) {
  double norm = 0;
  for (const float x : v) norm += static_cast<double>(x) * x;
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (float& x : v) x = static_cast<float>(x / norm);
  }
}

void atomic_max(std::atomic<std::size_t>& a, std::size_t v) {
  std::size_t cur = a.load();
  while (cur < v && !a.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace

FakeEmbeddingBackend::FakeEmbeddingBackend(FakeBackendConfig config) : config_(std::move(config)) {
  card_.identity = config_.identity;
  card_.model_name = config_.model_name;
  card_.architecture = "fake";
  card_.dim = config_.dim;
  card_.max_tokens = config_.max_tokens;
  card_.vocab_size = config_.vocab_size;
  card_.normalizes = config_.normalizes;
  for (const auto& [name, text] : config_.prompts) card_.prompt_names.push_back(name);
  card_.default_prompt_name = config_.default_prompt;
}

std::int32_t FakeEmbeddingBackend::word_id(std::string_view word, std::size_t vocab_size) {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : word) h = (h ^ static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)))) * 1099511628211ull;
  return static_cast<std::int32_t>(3 + h % (vocab_size - 3));
}

server::Tokenized FakeEmbeddingBackend::tokenize(std::string_view text, const server::TokenizeOptions& options) const {
  std::string prompt_name = options.prompt_name.empty() ? config_.default_prompt : options.prompt_name;
  std::string prompt = options.prefix.value_or("");
  if (!options.prefix && !prompt_name.empty()) {
    const auto it = config_.prompts.find(prompt_name);
    if (it == config_.prompts.end()) throw not_found_error("no prompt " + prompt_name);
    prompt = it->second;
  }
  server::Tokenized out;
  if (options.add_special_tokens) out.tokens.push_back({kCls, "[CLS]", true, std::nullopt, std::nullopt});
  // Prompt words carry no offsets; input words carry their byte range in `text`.
  auto add_words = [&](std::string_view s, bool offsets) {
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      const std::size_t start = i;
      while (i < s.size() && s[i] != ' ') ++i;
      if (i == start) break;
      const std::string_view w = s.substr(start, i - start);
      server::Token t{word_id(w, config_.vocab_size), std::string(w), false, std::nullopt, std::nullopt};
      if (offsets) {
        t.start = start;
        t.stop = i;
      }
      out.tokens.push_back(std::move(t));
    }
  };
  add_words(prompt, false);
  add_words(text, true);
  if (options.add_special_tokens) out.tokens.push_back({kSep, "[SEP]", true, std::nullopt, std::nullopt});
  out.n_untruncated = out.tokens.size();
  if (out.tokens.size() > config_.max_tokens) {
    // Keep [SEP] last, as BERT tokenizers truncate.
    const bool sep = options.add_special_tokens;
    out.tokens.resize(config_.max_tokens - (sep ? 1 : 0));
    if (sep) out.tokens.push_back({kSep, "[SEP]", true, std::nullopt, std::nullopt});
  }
  return out;
}

server::TokenIds FakeEmbeddingBackend::ids_of(std::string_view text, const std::string& prompt) const {
  server::TokenIds ids;
  for (const server::Token& t : tokenize(text, {prompt, std::nullopt, true}).tokens) ids.push_back(t.id);
  return ids;
}

std::vector<float> FakeEmbeddingBackend::reference(const server::TokenIds& ids,
                                                   const server::ComputeOptions& options) const {
  std::vector<float> full(config_.dim, 0.0f);
  for (std::size_t p = 0; p < ids.size(); ++p) {
    const float weight = 1.0f + 0.125f * static_cast<float>(p);
    for (std::size_t d = 0; d < config_.dim; ++d) {
      const std::uint64_t r = splitmix(static_cast<std::uint64_t>(ids[p]) * 4099 + d);
      full[d] += weight * (static_cast<float>(r >> 40) / static_cast<float>(1ull << 24) - 0.5f);
    }
  }
  const bool norm = options.normalize.value_or(config_.normalizes);
  full.resize(options.dim);
  if (norm) normalize(full);
  return full;
}

void FakeEmbeddingBackend::embed(std::span<const server::TokenIds> batch, const server::ComputeOptions& options,
                                 std::span<float> out) {
  std::size_t tokens = 0;
  for (const server::TokenIds& ids : batch) {
    tokens += ids.size();
    if (std::find(ids.begin(), ids.end(), config_.failing_id) != ids.end()) {
      throw internal_error("the fake backend was told to fail on token " + std::to_string(config_.failing_id));
    }
  }
  std::this_thread::sleep_for(config_.batch_delay + config_.token_delay * static_cast<long>(tokens));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::vector<float> v = reference(batch[i], options);
    std::copy(v.begin(), v.end(), out.begin() + static_cast<std::ptrdiff_t>(i * options.dim));
  }
  ++n_batches_;
  n_embedded_ += batch.size();
  atomic_max(max_batch_inputs_, batch.size());
  atomic_max(max_batch_tokens_, tokens);
}

}  // namespace molt::test
