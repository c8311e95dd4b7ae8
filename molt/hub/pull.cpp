#include "molt/hub/pull.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/hub/blob_download.h"
#include "molt/hub/file_lock.h"
#include "molt/hub/file_selection.h"
#include "molt/hub/hf_cache.h"
#include "molt/hub/http_client.h"
#include "molt/hub/hub_api.h"

namespace molt::hub {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFilesNamedInErrors = 12;

std::string join_some(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kFilesNamedInErrors; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > kFilesNamedInErrors) {
    out += ", and " + std::to_string(items.size() - kFilesNamedInErrors) + " more";
  }
  return out;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// One repository at one commit being filled in the cache.
class SnapshotWriter {
 public:
  SnapshotWriter(HttpClient& client, const HubOptions& options, const RepoId& id, std::string commit)
      : client_(client),
        options_(options),
        id_(id),
        commit_(std::move(commit)),
        repo_dir_(repo_cache_dir(options.cache_dir, id)) {}

  const fs::path& repo_dir() const { return repo_dir_; }
  fs::path pointer(const std::string& path) const { return snapshot_file(repo_dir_, commit_, path); }

  // Files whose snapshot link exists are complete: links are made only to verified blobs.
  bool present(const std::string& path) const {
    std::error_code ec;
    return fs::exists(pointer(path), ec);
  }

  FileMetadata metadata(const std::string& path) {
    return fetch_file_metadata(client_, options_, id_, commit_, path);
  }

  bool blob_present(const FileMetadata& meta) const {
    std::error_code ec;
    return fs::exists(blob_path(repo_dir_, meta.etag), ec);
  }

  void download(const std::string& path, const FileMetadata& meta,
                const std::function<void(std::uint64_t)>& on_bytes) {
    BlobRequest request;
    request.url = meta.location;
    request.headers = hub_headers(options_);
    // The CDN's signed URL needs no token, and must not receive it (as huggingface_hub).
    if (meta.location != resolve_url(options_, id_, commit_, path)) request.headers.clear();
    request.blob = blob_path(repo_dir_, meta.etag);
    request.lock = options_.cache_dir / ".locks" / id_.cache_folder() / (meta.etag + ".lock");
    request.size = meta.size;
    if (meta.lfs && is_sha256_hex(meta.etag)) request.sha256 = meta.etag;
    request.name = "file '" + path + "' of " + id_.str();
    const RetryPolicy retry{options_.max_retries, options_.retry_wait};
    download_blob(client_, request, retry, on_bytes, [&](const HttpResponse& response) {
      return hub_error(response, options_, id_, request.name);
    });
  }

  void link(const std::string& path, const FileMetadata& meta) {
    link_snapshot_file(repo_dir_, commit_, path, meta.etag);
  }

  // HEAD, download when the blob is missing, link. For small files outside the plan.
  void fetch(const std::string& path) {
    if (present(path)) return;
    const FileMetadata meta = metadata(path);
    if (!blob_present(meta)) download(path, meta, [](std::uint64_t) {});
    link(path, meta);
  }

 private:
  HttpClient& client_;
  const HubOptions& options_;
  const RepoId& id_;
  std::string commit_;
  fs::path repo_dir_;
};

PullResult pull_offline(const RepoId& id, const HubOptions& options, const PullOptions& pull) {
  const auto snapshot = find_cached_snapshot(options.cache_dir, id, pull.revision);
  if (!snapshot) {
    throw not_found_error("offline mode is on (HF_HUB_OFFLINE) and revision '" + pull.revision + "' of " +
                          id.str() + " is not in the Hugging Face cache " + options.cache_dir.string() +
                          ": unset HF_HUB_OFFLINE to download it, or copy a model folder or a cache "
                          "from a machine with network access (see MOLT_MODELS and HF_HOME)");
  }
  PullResult result;
  result.id = id;
  result.commit = snapshot->commit;
  result.snapshot = snapshot->folder;
  result.files = snapshot_files(snapshot->folder);
  result.offline = true;
  return result;
}

// Stops a default pull of a repository whose weights molt would not fetch or cannot read.
void require_weights(const RepoId& id, const std::vector<std::string>& all,
                     const std::vector<std::string>& selected) {
  if (std::any_of(selected.begin(), selected.end(), [](const auto& f) { return is_readable_weights(f); })) return;
  std::vector<std::string> weights;
  for (const auto& f : all) {
    if (is_readable_weights(f) || is_other_weights(f)) weights.push_back(f);
  }
  if (weights.empty()) return;  // a repository without weights (a tokenizer, say)
  throw input_error(id.str() + " has no model.safetensors or sharded safetensors weights (it has " +
                    join_some(weights) +
                    "); molt reads safetensors and GGUF: choose the files with --include, e.g. "
                    "--include '*.gguf' --include '*.json'");
}

}  // namespace

PullResult pull_model(const RepoId& id, const HubOptions& options, const PullOptions& pull) {
  if (options.cache_dir.empty()) {
    throw usage_error("no Hugging Face cache folder to download into: set HF_HOME or HF_HUB_CACHE");
  }
  if (!is_safe_repo_path(pull.revision)) throw usage_error("invalid revision '" + pull.revision + "'");
  if (options.offline) return pull_offline(id, options, pull);

  // One pull of a repository at a time (threads of a server, or several processes): the
  // second waits, then finds the files in place.
  const FileLock lock(options.cache_dir / ".locks" / id.cache_folder() / "molt-pull.lock");
  HttpClient client(options.user_agent, options.timeout);
  const RepoInfo info = fetch_repo_info(client, options, id, pull.revision);
  SnapshotWriter writer(client, options, id, info.commit);

  std::vector<std::string> patterns = pull.include;
  if (patterns.empty()) {
    std::vector<std::string> modules;
    if (std::find(info.files.begin(), info.files.end(), "modules.json") != info.files.end()) {
      writer.fetch("modules.json");
      const fs::path file = writer.pointer("modules.json");
      modules = module_folders(read_file(file), file.string());
    }
    patterns = default_patterns(modules);
  }
  std::vector<std::string> selected = select_files(info.files, patterns);
  if (!pull.include.empty() && selected.empty()) {
    throw usage_error("no file of " + id.str() + " at revision '" + pull.revision + "' matches --include " +
                      join_some(pull.include) + " (it has " + join_some(info.files) + ")");
  }
  if (pull.include.empty()) require_weights(id, info.files, selected);

  struct Planned {
    std::string path;
    FileMetadata meta;
  };
  std::vector<Planned> planned;
  std::uint64_t total = 0;
  for (const auto& path : selected) {
    if (writer.present(path)) continue;
    FileMetadata meta = writer.metadata(path);
    if (writer.blob_present(meta)) {
      writer.link(path, meta);
      continue;
    }
    total += meta.size.value_or(0);
    planned.push_back({path, std::move(meta)});
  }

  PullResult result;
  result.id = id;
  result.commit = info.commit;
  result.snapshot = writer.repo_dir() / "snapshots" / info.commit;
  std::uint64_t finished = 0;
  for (const auto& file : planned) {
    const auto on_bytes = [&](std::uint64_t done) {
      if (pull.progress) pull.progress(Progress{"download", finished + done, total, "bytes"});
    };
    writer.download(file.path, file.meta, on_bytes);
    writer.link(file.path, file.meta);
    std::error_code ec;
    const auto size = fs::file_size(blob_path(writer.repo_dir(), file.meta.etag), ec);
    finished += ec ? file.meta.size.value_or(0) : size;
    ++result.files_downloaded;
  }
  result.bytes_downloaded = finished;
  if (pull.revision != info.commit) write_ref(writer.repo_dir(), pull.revision, info.commit);

  result.files = selected;
  std::sort(result.files.begin(), result.files.end());
  return result;
}

}  // namespace molt::hub
