#include "molt/server/embedding_service.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/server/api_error.h"

namespace molt::server {
namespace {

std::string element(std::string_view field, std::size_t i, bool single) {
  // A single input is reported as the field itself, as the client sent it.
  if (single) return std::string(field);
  return std::string(field) + "[" + std::to_string(i) + "]";
}

void check_prompt(const ModelCard& card, const std::string& prompt_name, const std::string& model) {
  if (prompt_name.empty()) return;
  if (std::find(card.prompt_names.begin(), card.prompt_names.end(), prompt_name) != card.prompt_names.end()) return;
  std::string known;
  for (const std::string& p : card.prompt_names) known += (known.empty() ? "" : ", ") + p;
  throw input_error("model '" + model + "' has no prompt named '" + printable(prompt_name) + "'" +
                        (known.empty() ? " (it defines none)" : " (it defines: " + known + ")"),
                    {.field = "prompt_name"});
}

}  // namespace

EmbeddingService::EmbeddingService(ServedModels& models, EmbeddingCache& cache, ServerMetrics& metrics,
                                   EmbeddingLimits limits)
    : models_(models), cache_(cache), metrics_(metrics), limits_(limits) {}

Embeddings EmbeddingService::embed(const EmbedCall& call) {
  ServedModel& model = models_.find(call.model);
  const ModelCard& card = model.backend->card();
  const std::size_t dim = call.dimensions.value_or(card.dim);
  if (dim == 0 || dim > card.dim) {
    throw input_error("'dimensions' must be between 1 and " + std::to_string(card.dim) + " for model '" +
                          model.name + "', not " + std::to_string(dim),
                      {.field = "dimensions"});
  }
  check_prompt(card, call.prompt_name, model.name);
  if (call.prefix && !call.prompt_name.empty()) {
    throw input_error("a prompt name and a literal prefix cannot be used together", {.field = "prompt_name"});
  }
  if (call.normalize == false && card.normalizes) {
    throw input_error("model '" + model.name + "' normalizes its output (its pipeline ends in Normalize); "
                      "raw vectors are not available, send \"normalize\": true",
                      {.field = "normalize"});
  }
  const bool truncate = call.truncate.value_or(limits_.truncate);
  const ComputeOptions options{dim, call.normalize};
  // A named prompt and a literal prefix never share cache entries: "name:" or "prefix:".
  const std::string prompt = call.prefix ? "prefix:" + *call.prefix : "name:" + call.prompt_name;
  const CacheSpace space = EmbeddingCache::space(card.identity, prompt, options, truncate);

  const std::size_t n = call.inputs.size();
  Embeddings result;
  result.model = &model;
  result.dim = dim;
  result.vectors.resize(n * dim);

  std::vector<std::size_t> miss_rows;
  std::vector<CacheKey> miss_keys;
  std::vector<TokenIds> miss_ids;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const EmbedInput& input = call.inputs[i];
    const CacheKey key = EmbeddingCache::key(space, input);
    std::size_t n_tokens = 0;
    if (cache_.lookup(key, std::span<float>(result.vectors).subspan(i * dim, dim), &n_tokens)) {
      result.n_tokens += n_tokens;
      ++hits;
      continue;
    }
    TokenIds ids;
    if (const auto* text = std::get_if<std::string>(&input)) {
      const Tokenized tokenized = model.backend->tokenize(*text, TokenizeOptions{call.prompt_name, call.prefix, true});
      if (!truncate && tokenized.n_untruncated > card.max_tokens) {
        throw input_error("input of " + std::to_string(tokenized.n_untruncated) + " tokens is longer than the " +
                              std::to_string(card.max_tokens) + " model '" + model.name +
                              "' takes; shorten it, or ask for truncation",
                          {.field = element(call.inputs_field, i, call.single)});
      }
      ids.reserve(tokenized.tokens.size());
      for (const Token& t : tokenized.tokens) ids.push_back(t.id);
    } else {
      ids = std::get<TokenIds>(input);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        if (static_cast<std::size_t>(ids[k]) >= card.vocab_size) {
          throw input_error("token id " + std::to_string(ids[k]) + " is outside model '" + model.name +
                                "''s vocabulary of " + std::to_string(card.vocab_size),
                            {.field = element(call.inputs_field, i, call.single) + "[" + std::to_string(k) + "]"});
        }
      }
      if (ids.size() > card.max_tokens) {
        if (!truncate) {
          throw input_error(std::to_string(ids.size()) + " token ids are more than the " +
                                std::to_string(card.max_tokens) + " model '" + model.name + "' takes",
                            {.field = element(call.inputs_field, i, call.single)});
        }
        ids.resize(card.max_tokens);
      }
    }
    if (ids.empty()) {
      // A tokenizer may produce nothing for some texts with special tokens off; the model
      // needs at least one position.
      throw input_error("input has no tokens for model '" + model.name + "'", {.field = element(call.inputs_field, i, call.single)});
    }
    result.n_tokens += ids.size();
    miss_rows.push_back(i);
    miss_keys.push_back(key);
    miss_ids.push_back(std::move(ids));
  }
  if (cache_.enabled()) metrics_.cache_lookups(model.name, hits, miss_rows.size());
  if (miss_rows.empty()) return result;

  std::vector<std::size_t> miss_tokens(miss_ids.size());
  for (std::size_t k = 0; k < miss_ids.size(); ++k) miss_tokens[k] = miss_ids[k].size();
  const auto deadline = DynamicBatcher::Clock::now() + limits_.request_timeout;
  const auto job = model.batcher->submit(std::move(miss_ids), options, deadline);
  const std::vector<float> computed = model.batcher->wait(*job);
  for (std::size_t k = 0; k < miss_rows.size(); ++k) {
    const std::span<const float> row = std::span<const float>(computed).subspan(k * dim, dim);
    std::copy(row.begin(), row.end(), result.vectors.begin() + static_cast<std::ptrdiff_t>(miss_rows[k] * dim));
    cache_.insert(miss_keys[k], row, miss_tokens[k]);
  }
  return result;
}

std::vector<std::vector<Token>> EmbeddingService::tokenize(std::string_view model_name,
                                                           std::span<const std::string> texts,
                                                           const std::string& prompt_name, bool add_special_tokens) {
  ServedModel& model = models_.find(model_name);
  check_prompt(model.backend->card(), prompt_name, model.name);
  std::vector<std::vector<Token>> out;
  out.reserve(texts.size());
  for (const std::string& text : texts) {
    out.push_back(model.backend->tokenize(text, TokenizeOptions{prompt_name, std::nullopt, add_special_tokens}).tokens);
  }
  return out;
}

}  // namespace molt::server
