// SHA-256 through OpenSSL's libcrypto: model identity hashes, download verification.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace molt {

using Sha256Digest = std::array<unsigned char, 32>;

// Incremental hashing. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  void update(std::span<const std::byte> data);
  Sha256Digest finish();  // the object may not be updated afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string to_hex(std::span<const unsigned char> bytes);
std::string sha256_hex(std::string_view data);
// Hash of a file's bytes, read in blocks (works for files larger than memory).
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace molt
