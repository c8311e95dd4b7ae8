#include "molt/base/content_hash.h"

#include <xxhash.h>

#include "molt/base/check.h"

namespace molt {

struct ContentHash::State {
  XXH3_state_t* xxh = nullptr;
  ~State() { XXH3_freeState(xxh); }
};

ContentHash::ContentHash() : state_(std::make_unique<State>()) {
  state_->xxh = XXH3_createState();
  MOLT_CHECK(state_->xxh != nullptr);
  MOLT_CHECK(XXH3_128bits_reset(state_->xxh) == XXH_OK);
}

ContentHash::~ContentHash() = default;
ContentHash::ContentHash(ContentHash&&) noexcept = default;
ContentHash& ContentHash::operator=(ContentHash&&) noexcept = default;

void ContentHash::update(std::span<const std::byte> data) {
  if (data.empty()) return;
  MOLT_CHECK(XXH3_128bits_update(state_->xxh, data.data(), data.size()) == XXH_OK);
}

void ContentHash::update(std::string_view data) { update(std::as_bytes(std::span(data))); }

void ContentHash::update_u64(std::uint64_t value) {
  std::byte bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::byte>((value >> (8 * i)) & 0xff);
  update(std::span<const std::byte>(bytes, 8));
}

void ContentHash::update_field(std::string_view data) {
  update_u64(data.size());
  update(data);
}

std::string ContentHash::hex() const {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_->xxh));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof(canonical.digest));
  for (const unsigned char byte : canonical.digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

}  // namespace molt
