// EmbeddingCache: hits return what was stored, the key separates everything a vector
// depends on, and the byte bound holds with least-recently-used eviction.
#include <gtest/gtest.h>

#include "molt/server/embedding_cache.h"

namespace molt::server {
namespace {

const ComputeOptions kFull{4, std::nullopt};

TEST(EmbeddingCache, HitReturnsTheStoredVectorAndTokenCount) {
  EmbeddingCache cache(1 << 20);
  const CacheKey key = EmbeddingCache::key(EmbeddingCache::space("m", "", kFull, true), EmbedInput{"hello"});
  std::vector<float> out(4);
  std::size_t n_tokens = 0;
  EXPECT_FALSE(cache.lookup(key, out, &n_tokens));
  cache.insert(key, std::vector<float>{1, 2, 3, 4}, 3);
  EXPECT_TRUE(cache.lookup(key, out, &n_tokens));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(n_tokens, 3u);
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.bytes, EmbeddingCache::entry_bytes(4));
}

TEST(EmbeddingCache, KeySeparatesModelPromptDimensionNormalizationTruncationAndInput) {
  const CacheSpace base = EmbeddingCache::space("m", "", kFull, true);
  const CacheKey k = EmbeddingCache::key(base, EmbedInput{"text"});
  EXPECT_EQ(k, EmbeddingCache::key(EmbeddingCache::space("m", "", kFull, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m2", "", kFull, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m", "query", kFull, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m", "", {2, std::nullopt}, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m", "", {4, false}, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m", "", {4, true}, true), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(EmbeddingCache::space("m", "", kFull, false), EmbedInput{"text"}));
  EXPECT_FALSE(k == EmbeddingCache::key(base, EmbedInput{"text "}));
  // Field boundaries matter: ("ab", "c") is not ("a", "bc").
  EXPECT_FALSE(EmbeddingCache::space("ab", "c", kFull, true).hash == EmbeddingCache::space("a", "bc", kFull, true).hash);
  // Token ids never share a key with a text of the same bytes.
  const TokenIds ids = {0x64636261};  // the bytes "abcd" on a little-endian machine
  EXPECT_FALSE(EmbeddingCache::key(base, EmbedInput{ids}) == EmbeddingCache::key(base, EmbedInput{"abcd"}));
}

TEST(EmbeddingCache, EvictsLeastRecentlyUsedWithinTheByteBound) {
  const std::size_t entry = EmbeddingCache::entry_bytes(4);
  EmbeddingCache cache(3 * entry);
  const CacheSpace space = EmbeddingCache::space("m", "", kFull, true);
  auto key = [&](const char* t) { return EmbeddingCache::key(space, EmbedInput{t}); };
  std::vector<float> out(4);
  std::size_t n = 0;
  cache.insert(key("a"), std::vector<float>(4, 1), 1);
  cache.insert(key("b"), std::vector<float>(4, 2), 1);
  cache.insert(key("c"), std::vector<float>(4, 3), 1);
  EXPECT_TRUE(cache.lookup(key("a"), out, &n));  // a becomes the most recent
  cache.insert(key("d"), std::vector<float>(4, 4), 1);  // evicts b, the least recent
  EXPECT_TRUE(cache.lookup(key("a"), out, &n));
  EXPECT_FALSE(cache.lookup(key("b"), out, &n));
  EXPECT_TRUE(cache.lookup(key("c"), out, &n));
  EXPECT_TRUE(cache.lookup(key("d"), out, &n));
  EXPECT_EQ(out, std::vector<float>(4, 4));
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_LE(s.bytes, s.capacity_bytes);
}

TEST(EmbeddingCache, ManyInsertsNeverExceedTheBound) {
  EmbeddingCache cache(10000);
  const CacheSpace space = EmbeddingCache::space("m", "", {16, std::nullopt}, true);
  for (int i = 0; i < 5000; ++i) {
    cache.insert(EmbeddingCache::key(space, EmbedInput{std::to_string(i)}), std::vector<float>(16, 1.0f), 2);
    ASSERT_LE(cache.stats().bytes, 10000u);
  }
  EXPECT_EQ(cache.stats().entries, 10000u / EmbeddingCache::entry_bytes(16));
}

TEST(EmbeddingCache, DisabledCacheStoresNothing) {
  EmbeddingCache cache(0);
  EXPECT_FALSE(cache.enabled());
  const CacheKey key = EmbeddingCache::key(EmbeddingCache::space("m", "", kFull, true), EmbedInput{"x"});
  cache.insert(key, std::vector<float>(4, 1), 1);
  std::vector<float> out(4);
  std::size_t n = 0;
  EXPECT_FALSE(cache.lookup(key, out, &n));
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().misses, 0u);
}

TEST(EmbeddingCache, AVectorLargerThanTheCacheIsNotStored) {
  EmbeddingCache cache(100);
  const CacheKey key = EmbeddingCache::key(EmbeddingCache::space("m", "", {64, std::nullopt}, true), EmbedInput{"x"});
  cache.insert(key, std::vector<float>(64, 1), 1);
  EXPECT_EQ(cache.stats().entries, 0u);
}

}  // namespace
}  // namespace molt::server
