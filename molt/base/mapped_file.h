// MappedFile: a read-only memory map of a whole file (model weights, GGUF, vocabularies).
// The bytes stay valid for the object's lifetime; moving transfers the mapping.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace molt {

class MappedFile {
 public:
  MappedFile() = default;
  // Throws molt::Error (not_found / io) naming the path.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void reset() noexcept;

  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  std::string path_;
};

}  // namespace molt
