#include "tests/support/fake_encoder.h"

#include <cctype>
#include <cmath>

#include "molt/index/index_spec.h"

namespace molt::test {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t hash_word(const std::string& w, unsigned seed) {
  std::uint64_t h = 1469598103934665603ULL ^ seed;
  for (const char c : w) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return mix(h);
}

}  // namespace

FakeEncoder::FakeEncoder(std::string name, std::size_t dim, unsigned seed)
    : name_(std::move(name)), hash_("fake-" + std::to_string(seed) + "-" + std::to_string(dim)), dim_(dim), seed_(seed) {}

std::vector<float> FakeEncoder::vector(const std::string& text, const store::EmbedRequest& request) const {
  const std::string input = request.prompt.prefix + (request.prompt.name.empty() ? "" : request.prompt.name + ": ") + text;
  std::vector<float> v(dim_, 0.0f);
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    const std::uint64_t h = hash_word(word, seed_);
    // Each word adds +-1 to four coordinates.
    for (int j = 0; j < 4; ++j) {
      const std::uint64_t hj = mix(h + static_cast<std::uint64_t>(j));
      v[hj % dim_] += (hj >> 63) != 0 ? 1.0f : -1.0f;
    }
    word.clear();
  };
  for (const char c : input) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  flush();
  v[mix(seed_) % dim_] += 0.25f;  // never a zero vector
  const std::size_t out_dim = request.dim == 0 ? dim_ : request.dim;
  v.resize(out_dim);
  double ss = 0;
  for (const float x : v) ss += double(x) * x;
  const float inv = ss > 0 ? static_cast<float>(1.0 / std::sqrt(ss)) : 1.0f;
  for (float& x : v) x *= inv;
  return v;
}

std::vector<float> FakeEncoder::embed(std::span<const std::string> texts, const store::EmbedRequest& request) {
  {
    std::lock_guard lock(mutex_);
    calls_.push_back({texts.size(), request.role, request.prompt.name, request.prompt.prefix, request.dim});
  }
  std::vector<float> out;
  for (const std::string& t : texts) {
    const std::vector<float> v = vector(t, request);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::vector<FakeEncoder::Call> FakeEncoder::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t FakeEncoder::n_texts_embedded() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const Call& c : calls_) n += c.n_texts;
  return n;
}

store::SpaceConfig FakeEncoder::space_config(std::string space_name, std::string index_spec, std::size_t dim) const {
  store::SpaceConfig c;
  c.name = std::move(space_name);
  c.model = "fake/" + name_;
  c.model_name = name_;
  c.model_hash = hash_;
  c.model_dim = dim_;
  c.dim = dim == 0 ? dim_ : dim;
  c.index_spec = index::parse_index_spec(index_spec);
  return c;
}

store::EncoderProvider provider_of(std::vector<FakeEncoder*> encoders) {
  return [encoders](const store::SpaceInfo& space) -> store::SpaceEncoder* {
    for (FakeEncoder* e : encoders) {
      if (e->identity().hash == space.config.model_hash) return e;
    }
    return nullptr;
  };
}

}  // namespace molt::test
