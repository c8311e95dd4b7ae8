// FakeEmbeddingBackend: a deterministic stand-in for a model behind the server, for tests
// of routes, batching and caching without model files. Words (split at spaces, lower-cased)
// are tokens; a sequence's vector is a position-weighted sum of per-id pseudo-random vectors,
// so every row depends on its own ids only. Each batch costs a fixed delay plus a delay per
// token, the way a real encoder's cost has a per-call part that batching amortizes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "molt/server/embedding_backend.h"

namespace molt::test {

struct FakeBackendConfig {
  std::size_t dim = 8;
  std::size_t max_tokens = 16;
  std::size_t vocab_size = 1000;
  bool normalizes = true;
  std::map<std::string, std::string> prompts;  // name -> text put before the input
  std::string default_prompt;
  std::string identity = "fake-identity";
  std::string model_name = "test/fake-model";
  std::chrono::microseconds batch_delay{0};
  std::chrono::microseconds token_delay{0};
  std::int32_t failing_id = -1;  // a batch holding this id throws internal_error
};

class FakeEmbeddingBackend final : public server::EmbeddingBackend {
 public:
  static constexpr std::int32_t kCls = 1;
  static constexpr std::int32_t kSep = 2;

  explicit FakeEmbeddingBackend(FakeBackendConfig config = {});

  const server::ModelCard& card() const override { return card_; }
  server::Tokenized tokenize(std::string_view text, const server::TokenizeOptions& options) const override;
  void embed(std::span<const server::TokenIds> batch, const server::ComputeOptions& options,
             std::span<float> out) override;

  // The vector of one sequence, computed directly (what every batch must reproduce).
  std::vector<float> reference(const server::TokenIds& ids, const server::ComputeOptions& options) const;
  server::TokenIds ids_of(std::string_view text, const std::string& prompt = "") const;
  static std::int32_t word_id(std::string_view word, std::size_t vocab_size);

  // Observations for assertions.
  std::size_t n_batches() const { return n_batches_.load(); }
  std::size_t max_batch_inputs() const { return max_batch_inputs_.load(); }
  std::size_t max_batch_tokens() const { return max_batch_tokens_.load(); }
  std::size_t n_embedded() const { return n_embedded_.load(); }

 private:
  FakeBackendConfig config_;
  server::ModelCard card_;
  std::atomic<std::size_t> n_batches_{0};
  std::atomic<std::size_t> max_batch_inputs_{0};
  std::atomic<std::size_t> max_batch_tokens_{0};
  std::atomic<std::size_t> n_embedded_{0};
};

}  // namespace molt::test
