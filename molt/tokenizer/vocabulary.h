// Vocabulary: a model's token strings and their ids, with constant-time lookup of a token
// and of a continuation piece ("##ing" looked up as "ing" without building the string).
//
// Design: every token lives once in one string pool; two open-addressing hash tables
// (xxHash3 of the bytes, 16-byte slots holding a hash tag, the id and the key's place in the
// pool, behind a one-bit-per-hash filter) index it — one by the whole token, one by the token
// minus the continuation prefix for tokens that start with it. A WordPiece probe is one hash
// of a few bytes and one filter bit, plus one slot when the bit is set; nothing is allocated
// after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace molt::tokenizer {

class Vocabulary {
 public:
  static constexpr std::int32_t kNone = -1;

  Vocabulary() = default;
  // `entries`: (token, id) pairs, ids ≥ 0; the ids span 0..max id (an id nothing names has
  // the empty token). When a token appears twice, lookups return the later entry's id, as a
  // Python dict built from vocab.txt does. `continuing_prefix` ("##") is the prefix that
  // find_continuation() strips; empty indexes every token as a continuation too.
  Vocabulary(const std::vector<std::pair<std::string, std::int32_t>>& entries,
             std::string continuing_prefix);

  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  std::string_view token(std::int32_t id) const;  // "" for an id outside 0..size()-1
  std::int32_t find(std::string_view token) const;  // kNone when absent
  // The id of continuing_prefix + piece; kNone when absent.
  std::int32_t find_continuation(std::string_view piece) const;
  // The longest token in bytes, and the longest continuation piece (prefix excluded).
  std::size_t max_token_bytes() const { return max_token_bytes_; }
  std::size_t max_continuation_bytes() const { return max_continuation_bytes_; }
  const std::string& continuing_prefix() const { return prefix_; }

 private:
  struct Slot {
    std::uint32_t tag = 0;      // high half of the key's hash
    std::int32_t id = kNone;    // kNone: empty slot
    std::uint32_t offset = 0;   // the key's bytes in pool_
    std::uint32_t length = 0;
  };
  struct Table {
    std::vector<Slot> slots;  // power-of-two size, at most half full
    std::uint64_t mask = 0;
    // One bit per hash (16 bits per key, small enough to stay in L2): most WordPiece probes
    // miss, and a clear bit answers them without touching the slots.
    std::vector<std::uint64_t> filter;
    std::uint64_t filter_mask = 0;  // in bits
  };

  static void insert(Table& table, const std::string& pool, std::uint32_t offset,
                     std::uint32_t length, std::int32_t id);
  std::int32_t lookup(const Table& table, std::string_view key) const;

  std::string pool_;                    // every token, by id
  std::vector<std::uint32_t> offsets_;  // token id i is pool_[offsets_[i], offsets_[i + 1])
  std::string prefix_;
  Table whole_;
  Table continuation_;
  std::size_t max_token_bytes_ = 0;
  std::size_t max_continuation_bytes_ = 0;
};

}  // namespace molt::tokenizer
