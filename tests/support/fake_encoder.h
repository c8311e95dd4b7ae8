// FakeEncoder: a deterministic store::SpaceEncoder for store and migration tests, with no
// model. A text's vector is a hashed bag of its lower-cased words (so texts sharing words
// are near, as with a real model), after the prompt prefix of the request, truncated to the
// requested dimension and L2-normalized. Records every call, for tests that check which
// spaces were embedded with which prompts. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "molt/store/space_encoder.h"

namespace molt::test {

class FakeEncoder final : public store::SpaceEncoder {
 public:
  // `seed` makes different "models": the same text gets unrelated vectors under two seeds.
  FakeEncoder(std::string name, std::size_t dim, unsigned seed);

  store::ModelIdentity identity() const override { return {name_, hash_}; }
  std::size_t dim() const override { return dim_; }
  std::vector<float> embed(std::span<const std::string> texts, const store::EmbedRequest& request) override;

  // The vector embed() gives one text (for expected values in tests).
  std::vector<float> vector(const std::string& text, const store::EmbedRequest& request) const;

  struct Call {
    std::size_t n_texts;
    store::EmbedRole role;
    std::string prompt_name;
    std::string prefix;
    std::size_t dim;
  };
  std::vector<Call> calls() const;
  std::size_t n_texts_embedded() const;

  // A SpaceConfig for a space of this model (full width unless dim is given).
  store::SpaceConfig space_config(std::string space_name, std::string index_spec = "flat",
                                  std::size_t dim = 0) const;

 private:
  std::string name_;
  std::string hash_;
  std::size_t dim_;
  unsigned seed_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

// An EncoderProvider over a list of encoders: the one whose identity hash matches the space.
store::EncoderProvider provider_of(std::vector<FakeEncoder*> encoders);

}  // namespace molt::test
