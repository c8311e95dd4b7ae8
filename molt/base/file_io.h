// Whole-file reads with errors that name the file, and AtomicFile: output that appears
// under its final name only when complete (write to a temporary, fsync, rename).
#pragma once

#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace molt {

// Reads a whole file. Throws not_found / io errors naming the path.
std::string read_file(const std::filesystem::path& path);

// Writes `data` to `path` atomically (temporary file in the same folder + fsync + rename).
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

// A file being written. Nothing is visible at `path` until commit(); destroying an
// uncommitted AtomicFile removes the temporary. Not thread-safe.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void write(std::span<const std::byte> data);
  // Flushes, fsyncs, renames into place and fsyncs the folder.
  void commit();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
};

// fsync of a folder, so that a rename inside it is durable.
void sync_directory(const std::filesystem::path& dir);

}  // namespace molt
