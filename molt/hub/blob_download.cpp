#include "molt/hub/blob_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "molt/base/file_io.h"
#include "molt/base/sha256.h"
#include "molt/hub/file_lock.h"

namespace molt::hub {
namespace fs = std::filesystem;

namespace {

constexpr auto kMaxRetryWait = std::chrono::milliseconds(8000);

Error os_error(const std::string& what, const fs::path& path) {
  return io_error(what + ": " + std::strerror(errno), {.file = path.string()});
}

// blobs/<etag>.incomplete, appended to as bytes arrive.
class PartialFile {
 public:
  explicit PartialFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw os_error("cannot create", path_);
  }
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  std::uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw os_error("cannot stat", path_);
    return static_cast<std::uint64_t>(st.st_size);
  }
  void truncate() {
    if (::ftruncate(fd_, 0) != 0) throw os_error("cannot truncate", path_);
  }
  void write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw os_error("cannot write", path_);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Makes the contents durable and closes the file.
  void finish() {
    if (::fsync(fd_) != 0) throw os_error("cannot write", path_);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw os_error("cannot close", path_);
  }
  // Closes and deletes the file.
  void discard() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  int fd_ = -1;
};

// Feeds the first `n` bytes of a file (a partial download being resumed) to `hasher`.
void hash_prefix(Sha256& hasher, const fs::path& path, std::uint64_t n) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw os_error("cannot open", path);
  std::string buf(std::size_t{1} << 20, '\0');
  while (n > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
    const std::size_t got = std::fread(buf.data(), 1, want, f);
    if (got == 0) break;
    hasher.update(std::string_view(buf.data(), got));
    n -= got;
  }
  std::fclose(f);
}

std::string of_size(std::uint64_t have, const std::optional<std::uint64_t>& size) {
  return std::to_string(have) + (size ? " of " + std::to_string(*size) : std::string()) + " bytes";
}

}  // namespace

void download_blob(HttpClient& client, const BlobRequest& request, const RetryPolicy& retry,
                   const std::function<void(std::uint64_t)>& on_bytes,
                   const std::function<Error(const HttpResponse&)>& on_http_error) {
  FileLock lock(request.lock);
  std::error_code ec;
  if (fs::exists(request.blob, ec)) return;  // another process finished it while we waited
  fs::create_directories(request.blob.parent_path(), ec);
  if (ec) throw io_error("cannot create folder: " + ec.message(), {.file = request.blob.parent_path().string()});

  fs::path partial_path = request.blob;
  partial_path += ".incomplete";
  PartialFile file(partial_path);
  std::uint64_t have = file.size();
  if (request.size && have > *request.size) {
    file.truncate();
    have = 0;
  }
  std::optional<Sha256> hasher;
  if (!request.sha256.empty()) {
    hasher.emplace();
    if (have > 0) hash_prefix(*hasher, partial_path, have);
  }
  const auto restart = [&] {
    file.truncate();
    have = 0;
    if (hasher) hasher.emplace();
    on_bytes(0);
  };
  on_bytes(have);

  int retries = 0;
  auto wait = retry.first_wait;
  const auto retry_or_throw = [&](const Error& error) {
    if (retries >= retry.max_retries) throw error;
    ++retries;
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, kMaxRetryWait);
  };

  while (!(request.size && have == *request.size)) {
    HttpRequest http;
    http.url = request.url;
    http.headers = request.headers;
    http.follow_redirects = true;
    http.range_start = have;
    bool overflow = false;
    const auto on_status = [&](long status) {
      // A server that ignores the Range sends the whole file again.
      if (have > 0 && status != 206) restart();
    };
    const auto sink = [&](std::string_view chunk) {
      if (overflow) return;
      if (request.size && have + chunk.size() > *request.size) {
        overflow = true;
        return;
      }
      file.write(chunk);
      if (hasher) hasher->update(chunk);
      have += chunk.size();
      on_bytes(have);
    };
    const HttpResponse response = client.stream(http, on_status, sink);
    if (overflow) {
      file.discard();
      throw io_error(request.name + ": the server sent more than the " + std::to_string(*request.size) +
                     " bytes it announced; the partial download was removed");
    }
    if (!response.transferred()) {
      if (have == 0) {
        retry_or_throw(on_http_error(response));
      } else {
        retry_or_throw(io_error(request.name + ": download interrupted after " + of_size(have, request.size) +
                                ": " + response.transport_error + " (run the command again to resume)",
                                {.file = partial_path.string()}));
      }
      continue;
    }
    if (response.status == 416 && have > 0) {  // the partial file does not fit the server's
      restart();
      retry_or_throw(on_http_error(response));
      continue;
    }
    if (response.status == 429 || response.status >= 500) {
      retry_or_throw(on_http_error(response));
      continue;
    }
    if (response.status < 200 || response.status > 299) throw on_http_error(response);
    if (!request.size) break;  // no size announced: the complete answer is the file
    if (have < *request.size) {
      retry_or_throw(io_error(request.name + ": the server ended the file after " +
                              of_size(have, request.size) + " (run the command again to resume)"));
    }
  }

  if (hasher) {
    const Sha256Digest digest = hasher->finish();
    const std::string actual = to_hex(digest);
    if (actual != request.sha256) {
      file.discard();
      throw io_error(request.name + ": SHA-256 mismatch: the Hub announced " + request.sha256 +
                     " but the " + std::to_string(have) + " bytes received hash to " + actual +
                     "; the corrupt download was removed (run the command again)");
    }
  }
  file.finish();
  if (std::rename(partial_path.c_str(), request.blob.c_str()) != 0) {
    throw os_error("cannot rename into place", request.blob);
  }
  sync_directory(request.blob.parent_path());
}

}  // namespace molt::hub
