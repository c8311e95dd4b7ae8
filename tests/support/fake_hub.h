// FakeHub: a Hugging Face Hub on loopback for tests (httplib::Server on 127.0.0.1, ephemeral
// port) serving model repositories in the Hub's URL scheme, with faults on demand.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace molt::test {

// Routes, as the Hub answers them:
//   GET       /api/models/{id}/revision/{rev}  {"id", "sha", "siblings": [{"rfilename"}]}
//   HEAD|GET  /{id}/resolve/{rev}/{path}       X-Repo-Commit, ETag (the git blob id),
//                                              Content-Length; LFS files (weights, >= 10 MB)
//                                              answer 302 to /cdn-lfs/{sha256} with
//                                              X-Linked-Etag and X-Linked-Size
//   GET       /cdn-lfs/{sha256}                the contents, Range requests answered with 206
// Errors carry the Hub's X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound,
// GatedRepo). Faults on demand: a connection cut mid-file, corrupted bytes, Range ignored.
// Every request is recorded, so a test can assert that none was made.
class FakeHub {
 public:
  struct Request {
    std::string method;         // "GET", "HEAD"
    std::string path;           // decoded path, no query
    std::string range;          // the Range header, if any
    std::string authorization;  // the Authorization header, if any
  };

  FakeHub();  // listening when constructed
  ~FakeHub();
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  std::string endpoint() const;  // "http://127.0.0.1:PORT"

  // Serves the files of `folder` (recursively; paths '/'-separated) as repository `id`
  // whose "main" is `commit` (default: a hash of the id).
  void add_repo_from_folder(const std::string& id, const std::filesystem::path& folder,
                            const std::string& commit = "");
  void add_repo(const std::string& id, const std::map<std::string, std::string>& files,
                const std::string& commit = "");
  static std::string default_commit(const std::string& id);

  // Access control. gated: the repository's API answers, files need `token` (401 GatedRepo
  // without a token, 403 GatedRepo with a wrong one). Private: everything answers 401
  // RepoNotFound without the token, 404 RepoNotFound with a wrong one (the Hub's way).
  void require_token(const std::string& id, const std::string& token, bool gated);
  // The first GET of this file's contents stops after `after_bytes` bytes (connection cut).
  void cut_first_download(const std::string& id, const std::string& path, std::size_t after_bytes);
  // Serves this file's contents with one byte changed, still announcing the true SHA-256.
  void corrupt(const std::string& id, const std::string& path);
  // Sends this file's contents in 64 KiB pieces, `delay` apart (to kill a client mid-file).
  void throttle(const std::string& id, const std::string& path, std::chrono::milliseconds delay);
  // Answers every request for this file's contents with the whole file and 200, ignoring
  // Range (as some mirrors do).
  void ignore_ranges(const std::string& id, const std::string& path);

  std::vector<Request> requests() const;
  std::size_t request_count() const;
  void clear_requests();

  // The test helpers' view of a served file: what the Hub computes for it.
  static std::string sha256_hex(const std::string& data);
  static std::string git_blob_id(const std::string& data);
  static bool is_lfs(const std::string& path, std::size_t size);

 private:
  struct File {
    std::string data;
    std::string sha256;
    std::string git_oid;
    bool lfs = false;
    bool corrupt = false;
    bool ignore_ranges = false;
    std::chrono::milliseconds delay{0};
    std::size_t cut_after = 0;  // > 0: cut the next download here
  };
  struct Repo {
    std::string commit;
    std::map<std::string, File> files;
    std::string token;  // empty: public
    bool gated = false;
  };

  void handle(const httplib::Request& req, httplib::Response& res);
  void handle_api(const std::string& id, const std::string& rev, const httplib::Request& req,
                  httplib::Response& res);
  void handle_resolve(const std::string& id, const std::string& rev, const std::string& path,
                      const httplib::Request& req, httplib::Response& res);
  void handle_cdn(const std::string& sha, httplib::Response& res);
  void serve_contents(File& file, httplib::Response& res);
  // 0 when the request may proceed, else the status of the refusal (and its headers set).
  int check_access(const Repo& repo, const httplib::Request& req, bool for_files, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, Repo> repos_;
  std::vector<Request> requests_;
};

// Writes repository `id` into a Hugging Face cache folder exactly as huggingface_hub
// lays it out (independently of molt's own code): blobs/<sha256> for LFS files and
// blobs/<git blob id> for the others, snapshots/<commit>/<path> as relative symlinks,
// refs/main holding the commit (unless !write_main_ref). Returns the snapshot folder.
std::filesystem::path write_hf_cache_repo(const std::filesystem::path& cache, const std::string& id,
                                          const std::map<std::string, std::string>& files,
                                          const std::string& commit = "", bool write_main_ref = true);
// The files under `folder`, keyed by '/'-separated relative path.
std::map<std::string, std::string> read_folder(const std::filesystem::path& folder);

}  // namespace molt::test
