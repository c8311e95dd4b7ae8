#include "molt/tokenizer/vocabulary.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include <xxhash.h>

#include "molt/base/check.h"
#include "molt/base/error.h"

namespace molt::tokenizer {
namespace {

std::uint64_t hash_bytes(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

// Tokens are a few bytes long: a plain loop beats a call to memcmp.
inline bool same_bytes(const char* a, std::string_view b) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::uint64_t table_size_for(std::size_t n) {
  return std::max<std::uint64_t>(16, std::bit_ceil(static_cast<std::uint64_t>(n) * 2 + 1));
}

}  // namespace

Vocabulary::Vocabulary(const std::vector<std::pair<std::string, std::int32_t>>& entries,
                       std::string continuing_prefix)
    : prefix_(std::move(continuing_prefix)) {
  std::int64_t max_id = -1;
  std::size_t total = 0;
  for (const auto& [token, id] : entries) {
    if (id < 0) throw input_error("negative token id " + std::to_string(id) + " for \"" + token + "\"");
    max_id = std::max<std::int64_t>(max_id, id);
    total += token.size();
  }
  if (total > std::numeric_limits<std::uint32_t>::max() / 2) {
    throw input_error("vocabulary too large (" + std::to_string(total) + " bytes of tokens)");
  }
  // Ids index a table; refuse tables mostly made of holes (and absurd ids from broken files).
  if (max_id >= static_cast<std::int64_t>(2 * entries.size() + 1024)) {
    throw input_error("token id " + std::to_string(max_id) + " is far beyond the " +
                      std::to_string(entries.size()) + " tokens of the vocabulary");
  }
  const std::size_t n = static_cast<std::size_t>(max_id + 1);
  // Lay the tokens out by id; the last entry naming an id wins, like a dict.
  std::vector<std::int64_t> entry_of(n, -1);
  for (std::size_t e = 0; e < entries.size(); ++e) entry_of[static_cast<std::size_t>(entries[e].second)] = static_cast<std::int64_t>(e);
  pool_.reserve(total);
  offsets_.assign(n + 1, 0);
  for (std::size_t id = 0; id < n; ++id) {
    offsets_[id] = static_cast<std::uint32_t>(pool_.size());
    if (entry_of[id] >= 0) pool_ += entries[static_cast<std::size_t>(entry_of[id])].first;
  }
  offsets_[n] = static_cast<std::uint32_t>(pool_.size());

  std::size_t n_continuations = 0;
  for (const auto& entry : entries) n_continuations += entry.first.starts_with(prefix_) ? 1 : 0;
  for (auto [table, n_keys] : {std::pair{&whole_, entries.size()}, std::pair{&continuation_, n_continuations}}) {
    table->slots.assign(table_size_for(n_keys), Slot{});
    table->mask = table->slots.size() - 1;
    const std::uint64_t bits = table->slots.size() * 8;
    table->filter.assign(bits / 64, 0);
    table->filter_mask = bits - 1;
  }

  // Insert in entry order so that a later duplicate replaces an earlier one.
  for (const auto& [token, id] : entries) {
    const std::uint32_t offset = offsets_[static_cast<std::size_t>(id)];
    const auto length = static_cast<std::uint32_t>(token.size());
    if (token != this->token(id)) continue;  // a later entry took this id
    insert(whole_, pool_, offset, length, id);
    max_token_bytes_ = std::max<std::size_t>(max_token_bytes_, length);
    if (token.starts_with(prefix_)) {
      const auto skip = static_cast<std::uint32_t>(prefix_.size());
      insert(continuation_, pool_, offset + skip, length - skip, id);
      max_continuation_bytes_ = std::max<std::size_t>(max_continuation_bytes_, length - skip);
    }
  }
}

void Vocabulary::insert(Table& table, const std::string& pool, std::uint32_t offset,
                        std::uint32_t length, std::int32_t id) {
  const std::string_view key(pool.data() + offset, length);
  const std::uint64_t h = hash_bytes(key);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  const std::uint64_t bit = (h >> 20) & table.filter_mask;
  table.filter[bit / 64] |= std::uint64_t{1} << (bit % 64);
  for (std::uint64_t i = h & table.mask;; i = (i + 1) & table.mask) {
    Slot& slot = table.slots[i];
    if (slot.id == kNone) {
      slot = Slot{tag, id, offset, length};
      return;
    }
    if (slot.tag == tag && slot.length == length && std::memcmp(pool.data() + slot.offset, key.data(), length) == 0) {
      slot.id = id;  // the same token again: the later id wins
      slot.offset = offset;
      return;
    }
  }
}

std::int32_t Vocabulary::lookup(const Table& table, std::string_view key) const {
  if (table.slots.empty()) return kNone;
  const std::uint64_t h = hash_bytes(key);
  const std::uint64_t bit = (h >> 20) & table.filter_mask;
  if ((table.filter[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return kNone;
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  for (std::uint64_t i = h & table.mask;; i = (i + 1) & table.mask) {
    const Slot& slot = table.slots[i];
    if (slot.id == kNone) return kNone;
    if (slot.tag == tag && slot.length == key.size() && same_bytes(pool_.data() + slot.offset, key)) {
      return slot.id;
    }
  }
}

std::string_view Vocabulary::token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= size()) return {};
  const auto i = static_cast<std::size_t>(id);
  return std::string_view(pool_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
}

std::int32_t Vocabulary::find(std::string_view token) const { return lookup(whole_, token); }

std::int32_t Vocabulary::find_continuation(std::string_view piece) const {
  return lookup(continuation_, piece);
}

}  // namespace molt::tokenizer
