// EmbeddingCache: vectors already computed, keyed by what determines them -- the model's
// identity, the prompt, the output options (dimension, normalization, truncation) -- and a
// 128-bit hash of the input text or token ids. Bounded in bytes; the least recently used
// entries go first. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "molt/server/embed_body.h"
#include "molt/server/embedding_backend.h"

namespace molt::server {

// Everything a vector depends on besides its input, hashed once per request.
struct CacheSpace {
  std::uint64_t hash = 0;
};

struct CacheKey {
  std::uint64_t space = 0;
  std::uint64_t input_hi = 0;  // XXH3-128 of the input (text bytes, or token ids)
  std::uint64_t input_lo = 0;
  friend bool operator==(const CacheKey&, const CacheKey&) = default;
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::size_t capacity_bytes = 0;
};

class EmbeddingCache {
 public:
  // capacity_bytes == 0 disables the cache: lookups miss without counting, inserts drop.
  explicit EmbeddingCache(std::size_t capacity_bytes);

  // `prompt` is the prompt name as requested ("" = the model's default); `truncate` whether
  // long inputs are cut (without it they are refused, so the two never share entries).
  static CacheSpace space(std::string_view model_identity, std::string_view prompt,
                          const ComputeOptions& options, bool truncate);
  static CacheKey key(const CacheSpace& space, const EmbedInput& input);

  bool enabled() const { return capacity_bytes_ > 0; }

  // On a hit copies the vector into `out` (its size must be the stored width), sets
  // *n_tokens to the input's token count, and marks the entry recently used.
  bool lookup(const CacheKey& key, std::span<float> out, std::size_t* n_tokens);
  // Stores a copy; evicts least recently used entries to stay within capacity. A vector
  // larger than the whole capacity is not stored.
  void insert(const CacheKey& key, std::span<const float> vector, std::size_t n_tokens);

  CacheStats stats() const;

  // Bytes an entry of `dim` floats is charged: the vector and the bookkeeping around it.
  static std::size_t entry_bytes(std::size_t dim);

 private:
  struct KeyHash {
    std::size_t operator()(const CacheKey& k) const { return k.input_lo ^ (k.space * 0x9E3779B97F4A7C15ull); }
  };
  struct Entry {
    CacheKey key;
    std::vector<float> vector;
    std::size_t n_tokens = 0;
  };

  std::size_t capacity_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<CacheKey, std::list<Entry>::iterator, KeyHash> index_;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace molt::server
