// Downloads one file into a cache's blobs/ folder the way huggingface_hub does: resumable,
// verified, atomic, locked against a concurrent writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "molt/base/error.h"
#include "molt/hub/http_client.h"

namespace molt::hub {

// Into blobs/<etag>.incomplete, resumed with an HTTP Range request after an interruption
// (in this run, or a later one), verified (size; SHA-256 when the ETag is one, as for LFS
// files), and renamed to blobs/<etag> only then, so a crash never leaves a file that looks
// complete. A lock file under .locks/ keeps two processes from writing the same blob.
struct BlobRequest {
  std::string url;                    // where to GET the contents (redirects are followed)
  std::vector<std::string> headers;
  std::filesystem::path blob;         // <repo>/blobs/<etag>
  std::filesystem::path lock;         // <cache>/.locks/<repo folder>/<etag>.lock
  std::optional<std::uint64_t> size;  // expected size, when the Hub said it
  std::string sha256;                 // expected SHA-256 (lower-case hex); empty: not checked
  std::string name;                   // the repository path, for messages
};

struct RetryPolicy {
  int max_retries = 5;
  std::chrono::milliseconds first_wait{500};  // doubles after each retry, at most 8 s
};

// Downloads unless `blob` already exists. `on_bytes(n)` reports the bytes of this file on
// disk so far (it may go down when a server ignores the Range and the file restarts).
// Throws io_error (network, size or SHA-256 mismatch; a mismatching file is deleted) or the
// Hub's error for the answer (hub_error) through `on_http_error`.
void download_blob(HttpClient& client, const BlobRequest& request, const RetryPolicy& retry,
                   const std::function<void(std::uint64_t)>& on_bytes,
                   const std::function<Error(const HttpResponse&)>& on_http_error);

}  // namespace molt::hub
