#include "molt/base/sha256.h"

#include <openssl/evp.h>

#include <cstdio>

#include "molt/base/check.h"
#include "molt/base/error.h"

namespace molt {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  MOLT_CHECK(impl_->ctx != nullptr);
  MOLT_CHECK(EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1);
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view data) {
  MOLT_CHECK(EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) == 1);
}

void Sha256::update(std::span<const std::byte> data) {
  MOLT_CHECK(EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) == 1);
}

Sha256Digest Sha256::finish() {
  Sha256Digest out{};
  unsigned int n = 0;
  MOLT_CHECK(EVP_DigestFinal_ex(impl_->ctx, out.data(), &n) == 1 && n == out.size());
  return out;
}

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  const Sha256Digest d = h.finish();
  return to_hex(d);
}

std::string sha256_file_hex(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw not_found_error("cannot open for hashing", {.file = path.string()});
  Sha256 h;
  std::string buf(1 << 20, '\0');
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.update(std::string_view(buf.data(), n));
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw io_error("cannot read for hashing", {.file = path.string()});
  const Sha256Digest d = h.finish();
  return to_hex(d);
}

}  // namespace molt
