#include "molt/base/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "molt/base/error.h"

namespace molt {
namespace {

Error os_error(const std::string& what, const std::filesystem::path& path, int err) {
  if (err == ENOENT) return not_found_error("no such file", {.file = path.string()});
  return io_error(what + ": " + std::strerror(err), {.file = path.string()});
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw os_error("cannot open", path, errno);
  std::string out;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) throw os_error("cannot read", path, err);
  return out;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view data) {
  AtomicFile file(path);
  file.write(data);
  file.commit();
}

void sync_directory(const std::filesystem::path& dir) {
  const std::filesystem::path d = dir.empty() ? std::filesystem::path(".") : dir;
  const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw os_error("cannot open folder", d, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw os_error("cannot sync folder", d, err);
}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  // Unique per process and per AtomicFile, so concurrent writers of one path never share a
  // temporary; the last commit wins, and each commit is whole.
  static std::atomic<unsigned long> counter{0};
  temp_ = path_;
  temp_ += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  file_ = std::fopen(temp_.c_str(), "wbx");
  if (file_ == nullptr) throw os_error("cannot create", temp_, errno);
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::write(std::string_view data) {
  if (file_ == nullptr) throw internal_error("write after commit", {.file = path_.string()});
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    throw os_error("cannot write", temp_, errno);
  }
}

void AtomicFile::write(std::span<const std::byte> data) {
  write(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

void AtomicFile::commit() {
  if (file_ == nullptr) throw internal_error("committed twice", {.file = path_.string()});
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    throw os_error("cannot write", temp_, errno);
  }
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) throw os_error("cannot close", temp_, errno);
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    throw os_error("cannot rename into place", path_, err);
  }
  sync_directory(path_.parent_path());
}

}  // namespace molt
