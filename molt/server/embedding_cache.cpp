#include "molt/server/embedding_cache.h"

#include <cstring>
#include <string>

#include <xxhash.h>

namespace molt::server {
namespace {

// Appends a length-prefixed field so that ("ab", "c") and ("a", "bc") hash differently.
void add_field(std::string& buf, std::string_view s) {
  const std::uint64_t n = s.size();
  buf.append(reinterpret_cast<const char*>(&n), sizeof n);
  buf.append(s);
}

}  // namespace

EmbeddingCache::EmbeddingCache(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

CacheSpace EmbeddingCache::space(std::string_view model_identity, std::string_view prompt,
                                 const ComputeOptions& options, bool truncate) {
  std::string buf;
  add_field(buf, model_identity);
  add_field(buf, prompt);
  const std::uint64_t dim = options.dim;
  buf.append(reinterpret_cast<const char*>(&dim), sizeof dim);
  buf.push_back(options.normalize ? (*options.normalize ? 'n' : 'r') : 'm');
  buf.push_back(truncate ? 't' : 'f');
  return CacheSpace{XXH3_64bits(buf.data(), buf.size())};
}

CacheKey EmbeddingCache::key(const CacheSpace& space, const EmbedInput& input) {
  // Texts and token ids are hashed with different seeds so that no text collides with an
  // id sequence by construction.
  XXH128_hash_t h;
  if (const auto* text = std::get_if<std::string>(&input)) {
    h = XXH3_128bits_withSeed(text->data(), text->size(), 1);
  } else {
    const TokenIds& ids = std::get<TokenIds>(input);
    h = XXH3_128bits_withSeed(ids.data(), ids.size() * sizeof(std::int32_t), 2);
  }
  return CacheKey{space.hash, h.high64, h.low64};
}

std::size_t EmbeddingCache::entry_bytes(std::size_t dim) {
  // A list node and a hash-map node with their allocator headers: about 128 bytes.
  return dim * sizeof(float) + 128;
}

bool EmbeddingCache::lookup(const CacheKey& key, std::span<float> out, std::size_t* n_tokens) {
  if (!enabled()) return false;
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end() || it->second->vector.size() != out.size()) {
    ++misses_;
    return false;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  std::memcpy(out.data(), it->second->vector.data(), out.size_bytes());
  *n_tokens = it->second->n_tokens;
  return true;
}

void EmbeddingCache::insert(const CacheKey& key, std::span<const float> vector, std::size_t n_tokens) {
  const std::size_t charge = entry_bytes(vector.size());
  if (!enabled() || charge > capacity_bytes_) return;
  std::vector<float> copy(vector.begin(), vector.end());  // allocated outside the lock
  std::lock_guard lock(mutex_);
  if (const auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);  // a concurrent request stored it first
    return;
  }
  while (bytes_ + charge > capacity_bytes_ && !lru_.empty()) {
    const Entry& victim = lru_.back();
    bytes_ -= entry_bytes(victim.vector.size());
    index_.erase(victim.key);
    lru_.pop_back();
    ++evictions_;
  }
  lru_.push_front(Entry{key, std::move(copy), n_tokens});
  index_.emplace(key, lru_.begin());
  bytes_ += charge;
}

CacheStats EmbeddingCache::stats() const {
  std::lock_guard lock(mutex_);
  return CacheStats{hits_, misses_, evictions_, index_.size(), bytes_, capacity_bytes_};
}

}  // namespace molt::server
