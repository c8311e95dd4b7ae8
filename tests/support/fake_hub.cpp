#include "tests/support/fake_hub.h"

#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "molt/base/sha256.h"

namespace molt::test {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kLfsThreshold = std::size_t{10} << 20;
constexpr std::size_t kChunk = std::size_t{64} << 10;

void hub_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_header("X-Error-Code", code);
  res.set_header("X-Error-Message", message);
  res.set_content("{\"error\":\"" + message + "\"}", "application/json");
}

}  // namespace

FakeHub::FakeHub() : server_(std::make_unique<httplib::Server>()) {
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeHub: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeHub::~FakeHub() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeHub::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string FakeHub::sha256_hex(const std::string& data) { return molt::sha256_hex(data); }

std::string FakeHub::git_blob_id(const std::string& data) {
  const std::string blob = "blob " + std::to_string(data.size()) + std::string(1, '\0') + data;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(blob.data(), blob.size(), digest, &n, EVP_sha1(), nullptr);
  return molt::to_hex(std::span<const unsigned char>(digest, n));
}

bool FakeHub::is_lfs(const std::string& path, std::size_t size) {
  for (const char* ext : {".safetensors", ".bin", ".gguf", ".onnx"}) {
    if (path.ends_with(ext)) return true;
  }
  return size >= kLfsThreshold;
}

std::string FakeHub::default_commit(const std::string& id) { return git_blob_id("commit of " + id); }

std::map<std::string, std::string> read_folder(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    files[entry.path().lexically_relative(folder).generic_string()] = read_file(entry.path());
  }
  return files;
}

fs::path write_hf_cache_repo(const fs::path& cache, const std::string& id,
                             const std::map<std::string, std::string>& files, const std::string& commit,
                             bool write_main_ref) {
  std::string folder_name = "models--" + id;
  for (auto pos = folder_name.find('/'); pos != std::string::npos; pos = folder_name.find('/')) {
    folder_name.replace(pos, 1, "--");
  }
  const fs::path repo = cache / folder_name;
  const std::string sha = commit.empty() ? FakeHub::default_commit(id) : commit;
  const fs::path snapshot = repo / "snapshots" / sha;
  fs::create_directories(repo / "blobs");
  for (const auto& [path, data] : files) {
    const std::string etag =
        FakeHub::is_lfs(path, data.size()) ? FakeHub::sha256_hex(data) : FakeHub::git_blob_id(data);
    std::ofstream(repo / "blobs" / etag, std::ios::binary) << data;
    const fs::path pointer = snapshot / path;
    fs::create_directories(pointer.parent_path());
    fs::create_symlink((repo / "blobs" / etag).lexically_relative(pointer.parent_path()), pointer);
  }
  if (write_main_ref) {
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs" / "main", std::ios::binary) << sha;
  }
  return snapshot;
}

void FakeHub::add_repo_from_folder(const std::string& id, const fs::path& folder, const std::string& commit) {
  add_repo(id, read_folder(folder), commit);
}

void FakeHub::add_repo(const std::string& id, const std::map<std::string, std::string>& files,
                       const std::string& commit) {
  Repo repo;
  repo.commit = commit.empty() ? default_commit(id) : commit;
  for (const auto& [path, data] : files) {
    File f;
    f.data = data;
    f.sha256 = sha256_hex(data);
    f.git_oid = git_blob_id(data);
    f.lfs = is_lfs(path, data.size());
    repo.files[path] = std::move(f);
  }
  std::lock_guard lock(mutex_);
  repos_[id] = std::move(repo);
}

void FakeHub::require_token(const std::string& id, const std::string& token, bool gated) {
  std::lock_guard lock(mutex_);
  repos_.at(id).token = token;
  repos_.at(id).gated = gated;
}

void FakeHub::cut_first_download(const std::string& id, const std::string& path, std::size_t after_bytes) {
  std::lock_guard lock(mutex_);
  repos_.at(id).files.at(path).cut_after = after_bytes;
}

void FakeHub::corrupt(const std::string& id, const std::string& path) {
  std::lock_guard lock(mutex_);
  repos_.at(id).files.at(path).corrupt = true;
}

void FakeHub::throttle(const std::string& id, const std::string& path, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  repos_.at(id).files.at(path).delay = delay;
}

void FakeHub::ignore_ranges(const std::string& id, const std::string& path) {
  std::lock_guard lock(mutex_);
  repos_.at(id).files.at(path).ignore_ranges = true;
}

std::vector<FakeHub::Request> FakeHub::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeHub::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void FakeHub::clear_requests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

void FakeHub::handle(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mutex_);
  requests_.push_back({req.method, req.path, req.get_header_value("Range"),
                       req.get_header_value("Authorization")});
  const std::string& path = req.path;
  constexpr std::string_view kApi = "/api/models/";
  constexpr std::string_view kCdn = "/cdn-lfs/";
  constexpr std::string_view kRevision = "/revision/";
  constexpr std::string_view kResolve = "/resolve/";
  if (path.starts_with(kApi)) {
    const auto rev = path.rfind(kRevision);
    if (rev != std::string::npos && rev > kApi.size()) {
      handle_api(path.substr(kApi.size(), rev - kApi.size()), path.substr(rev + kRevision.size()), req, res);
      return;
    }
  } else if (path.starts_with(kCdn)) {
    handle_cdn(path.substr(kCdn.size()), res);
    return;
  } else if (const auto pos = path.find(kResolve); pos != std::string::npos && pos > 1) {
    const std::string rest = path.substr(pos + kResolve.size());
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      handle_resolve(path.substr(1, pos - 1), rest.substr(0, slash), rest.substr(slash + 1), req, res);
      return;
    }
  }
  hub_error(res, 404, "", "Not found");
}

int FakeHub::check_access(const Repo& repo, const httplib::Request& req, bool for_files, httplib::Response& res) {
  if (repo.token.empty()) return 0;
  const std::string auth = req.get_header_value("Authorization");
  if (auth == "Bearer " + repo.token) return 0;
  if (repo.gated) {
    if (!for_files) return 0;  // a gated repository's page and file list are public
    hub_error(res, auth.empty() ? 401 : 403, "GatedRepo",
              auth.empty() ? "Access to this model is restricted. You must be authenticated."
                           : "Access to this model is restricted and you are not in the authorized list.");
    return res.status;
  }
  hub_error(res, auth.empty() ? 401 : 404, "RepoNotFound", "Repository not found");
  return res.status;
}

void FakeHub::handle_api(const std::string& id, const std::string& rev, const httplib::Request& req,
                         httplib::Response& res) {
  const auto repo = repos_.find(id);
  if (repo == repos_.end()) {
    hub_error(res, req.has_header("Authorization") ? 404 : 401, "RepoNotFound", "Repository not found");
    return;
  }
  if (check_access(repo->second, req, false, res) != 0) return;
  if (rev != "main" && rev != repo->second.commit) {
    hub_error(res, 404, "RevisionNotFound", "Invalid rev id: " + rev);
    return;
  }
  nlohmann::json body = {{"id", id}, {"sha", repo->second.commit}, {"siblings", nlohmann::json::array()}};
  for (const auto& [path, file] : repo->second.files) body["siblings"].push_back({{"rfilename", path}});
  res.set_content(body.dump(), "application/json");
}

void FakeHub::handle_resolve(const std::string& id, const std::string& rev, const std::string& path,
                             const httplib::Request& req, httplib::Response& res) {
  const auto repo = repos_.find(id);
  if (repo == repos_.end()) {
    hub_error(res, req.has_header("Authorization") ? 404 : 401, "RepoNotFound", "Repository not found");
    return;
  }
  if (check_access(repo->second, req, true, res) != 0) return;
  if (rev != "main" && rev != repo->second.commit) {
    hub_error(res, 404, "RevisionNotFound", "Invalid rev id: " + rev);
    return;
  }
  res.set_header("X-Repo-Commit", repo->second.commit);
  const auto file = repo->second.files.find(path);
  if (file == repo->second.files.end()) {
    hub_error(res, 404, "EntryNotFound", path + " does not exist on \"" + rev + "\"");
    return;
  }
  File& f = file->second;
  res.set_header("ETag", "\"" + f.git_oid + "\"");
  if (f.lfs) {
    res.set_header("X-Linked-Etag", "\"" + f.sha256 + "\"");
    res.set_header("X-Linked-Size", std::to_string(f.data.size()));
    res.set_redirect(endpoint() + "/cdn-lfs/" + f.sha256 + "?X-Amz-Signature=test", 302);
    return;
  }
  serve_contents(f, res);
}

void FakeHub::handle_cdn(const std::string& sha, httplib::Response& res) {
  for (auto& [id, repo] : repos_) {
    for (auto& [path, file] : repo.files) {
      if (file.lfs && file.sha256 == sha) {
        serve_contents(file, res);
        return;
      }
    }
  }
  res.status = 404;
}

void FakeHub::serve_contents(File& file, httplib::Response& res) {
  auto data = std::make_shared<std::string>(file.data);
  if (file.corrupt && !data->empty()) (*data)[data->size() / 2] ^= 0x5a;
  const std::size_t cut = file.cut_after;
  file.cut_after = 0;
  if (file.ignore_ranges) {
    // Without a length httplib cannot apply the Range: the whole file goes out, as a 200.
    res.status = 200;
    res.set_chunked_content_provider("application/octet-stream",
                                     [data](std::size_t offset, httplib::DataSink& sink) {
                                       if (offset >= data->size()) {
                                         sink.done();
                                         return true;
                                       }
                                       const std::size_t n = std::min(kChunk, data->size() - offset);
                                       sink.write(data->data() + offset, n);
                                       return true;
                                     });
    return;
  }
  const auto delay = file.delay;
  if (cut == 0 && delay.count() == 0) {
    res.set_content(*data, "application/octet-stream");
    return;
  }
  const std::size_t end = cut == 0 ? data->size() : cut;
  res.set_content_provider(data->size(), "application/octet-stream",
                           [data, end, delay](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             if (offset >= end) return false;  // drops the connection mid-file
                             if (delay.count() > 0) std::this_thread::sleep_for(delay);
                             const std::size_t n = std::min({length, kChunk, end - offset});
                             return sink.write(data->data() + offset, n);
                           });
}

}  // namespace molt::test
