// The Hugging Face Hub's HTTP interface as huggingface_hub uses it (a revision's commit and
// files, a file's metadata), and the Hub's error answers as molt::Error saying what to do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/error.h"
#include "molt/hub/http_client.h"
#include "molt/hub/hub_options.h"
#include "molt/hub/repo_id.h"

namespace molt::hub {

//   GET  {endpoint}/api/models/{id}/revision/{revision}  → the commit and the file list
//   HEAD {endpoint}/{id}/resolve/{commit}/{path}         → ETag, size, where to download
struct RepoInfo {
  std::string commit;               // 40 hex digits
  std::vector<std::string> files;   // repository paths ("siblings"), each is_safe_repo_path
};

struct FileMetadata {
  std::string commit;   // X-Repo-Commit
  std::string etag;     // X-Linked-Etag (LFS: the SHA-256 of the contents), else ETag
  std::optional<std::uint64_t> size;  // X-Linked-Size, else Content-Length
  std::string location; // where to GET the contents (a CDN URL for LFS files)
  bool lfs = false;     // the Hub sent X-Linked-Etag: etag is the contents' SHA-256
};

// Parses the revision API's JSON ({"sha": ..., "siblings": [{"rfilename": ...}, ...]}).
// Throws input_error naming `source` for anything else, including unsafe file names.
RepoInfo parse_repo_info(std::string_view json, const std::string& source);

// Percent-encoding as Python's urllib.parse.quote: letters, digits and "_.-~" stay, and
// '/' when keep_slash.
std::string url_quote(std::string_view text, bool keep_slash);

// {endpoint}/{id}/resolve/{revision}/{path}, as huggingface_hub's hf_hub_url builds it.
std::string resolve_url(const HubOptions& options, const RepoId& id, std::string_view revision,
                        std::string_view path);

// "Authorization: Bearer <token>" when a token is set, plus what every Hub request sends.
std::vector<std::string> hub_headers(const HubOptions& options);

RepoInfo fetch_repo_info(HttpClient& client, const HubOptions& options, const RepoId& id,
                         std::string_view revision);

// HEAD of a file at a commit, following only same-site (relative) redirects, as
// huggingface_hub's get_hf_file_metadata does (a renamed repository, not the CDN).
FileMetadata fetch_file_metadata(HttpClient& client, const HubOptions& options, const RepoId& id,
                                 std::string_view commit, std::string_view path);

// The error for a failed Hub request: transport failures ("cannot reach"), the Hub's
// X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo), 401/403/404,
// 429 and 5xx. `what` names the request ("revision 'main' of org/name").
Error hub_error(const HttpResponse& response, const HubOptions& options, const RepoId& id,
                const std::string& what);

// An ETag header as a file name: without W/ and quotes (huggingface_hub's _normalize_etag).
std::string normalize_etag(std::string_view etag);

}  // namespace molt::hub
