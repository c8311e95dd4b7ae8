// ContentHash: a fast non-cryptographic 128-bit digest (XXH3-128) of bytes, for identities
// that must change whenever content changes — a model's weights and configuration — and
// must be cheap enough to compute on every load (GB/s, unlike SHA-256). Not for security:
// downloads are verified with SHA-256 (sha256.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace molt {

// Incremental hashing. Not thread-safe.
class ContentHash {
 public:
  ContentHash();
  ~ContentHash();
  ContentHash(ContentHash&&) noexcept;
  ContentHash& operator=(ContentHash&&) noexcept;
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  void update(std::span<const std::byte> data);
  void update(std::string_view data);
  // A length-prefixed field, so that ("ab", "c") and ("a", "bc") hash differently.
  void update_field(std::string_view data);
  void update_u64(std::uint64_t value);

  // 32 lowercase hex digits (XXH3-128, canonical big-endian order). The hash can still be
  // updated afterwards.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace molt
