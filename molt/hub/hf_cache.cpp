#include "molt/hub/hf_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::hub {
namespace fs = std::filesystem;

namespace {

std::string trim_ref(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<CachedSnapshot> snapshot_if_present(const RepoId& id, const fs::path& repo_dir,
                                                  const std::string& commit) {
  std::error_code ec;
  if (commit.empty() || !is_safe_blob_name(commit)) return std::nullopt;
  const fs::path folder = repo_dir / "snapshots" / commit;
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  return CachedSnapshot{id, repo_dir, commit, folder};
}

}  // namespace

bool is_safe_repo_path(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                         : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return path.find('\0') == std::string_view::npos && path.find('\\') == std::string_view::npos;
}

bool is_safe_blob_name(std::string_view etag) {
  return is_safe_repo_path(etag) && etag.find('/') == std::string_view::npos;
}

fs::path repo_cache_dir(const fs::path& cache, const RepoId& id) { return cache / id.cache_folder(); }

fs::path blob_path(const fs::path& repo_dir, std::string_view etag) {
  return repo_dir / "blobs" / std::string(etag);
}

fs::path snapshot_file(const fs::path& repo_dir, std::string_view commit, std::string_view repo_path) {
  return repo_dir / "snapshots" / std::string(commit) / std::string(repo_path);
}

std::optional<CachedSnapshot> find_cached_snapshot(const fs::path& cache, const RepoId& id,
                                                   std::string_view revision) {
  if (cache.empty() || !is_safe_repo_path(revision)) return std::nullopt;
  const fs::path repo_dir = repo_cache_dir(cache, id);
  std::error_code ec;
  if (!fs::is_directory(repo_dir, ec)) return std::nullopt;

  const fs::path ref = repo_dir / "refs" / std::string(revision);
  if (fs::is_regular_file(ref, ec)) {
    if (auto found = snapshot_if_present(id, repo_dir, trim_ref(read_file(ref)))) return found;
  }
  if (is_commit_hash(revision)) return snapshot_if_present(id, repo_dir, std::string(revision));
  if (revision != "main") return std::nullopt;

  // No refs/main: a cache written by commit (snapshot_download(revision=<sha>)) or copied
  // without refs. Take the newest snapshot.
  std::optional<CachedSnapshot> best;
  fs::file_time_type best_time{};
  for (const auto& entry : fs::directory_iterator(repo_dir / "snapshots", ec)) {
    if (!entry.is_directory(ec)) continue;
    const auto time = entry.last_write_time(ec);
    if (ec) continue;
    if (!best || time > best_time) {
      best = CachedSnapshot{id, repo_dir, entry.path().filename().string(), entry.path(), false};
      best_time = time;
    }
  }
  return best;
}

std::vector<CachedSnapshot> list_cached_models(const fs::path& cache) {
  std::vector<CachedSnapshot> out;
  std::error_code ec;
  if (cache.empty() || !fs::is_directory(cache, ec)) return out;
  for (const auto& entry : fs::directory_iterator(cache, ec)) {
    if (!entry.is_directory(ec)) continue;
    const auto id = repo_id_from_cache_folder(entry.path().filename().string());
    if (!id) continue;
    if (auto snapshot = find_cached_snapshot(cache, *id, "main")) out.push_back(std::move(*snapshot));
  }
  std::sort(out.begin(), out.end(),
            [](const CachedSnapshot& a, const CachedSnapshot& b) { return a.id.str() < b.id.str(); });
  return out;
}

void write_ref(const fs::path& repo_dir, std::string_view revision, std::string_view commit) {
  if (!is_safe_repo_path(revision)) {
    throw usage_error("invalid revision name '" + std::string(revision) + "'");
  }
  const fs::path ref = repo_dir / "refs" / std::string(revision);
  std::error_code ec;
  if (fs::is_regular_file(ref, ec) && trim_ref(read_file(ref)) == commit) return;
  fs::create_directories(ref.parent_path(), ec);
  if (ec) throw io_error("cannot create folder: " + ec.message(), {.file = ref.parent_path().string()});
  write_file_atomic(ref, commit);
}

void link_snapshot_file(const fs::path& repo_dir, std::string_view commit,
                        std::string_view repo_path, std::string_view etag) {
  const fs::path pointer = snapshot_file(repo_dir, commit, repo_path);
  const fs::path blob = blob_path(repo_dir, etag);
  std::error_code ec;
  fs::create_directories(pointer.parent_path(), ec);
  if (ec) throw io_error("cannot create folder: " + ec.message(), {.file = pointer.parent_path().string()});
  const fs::path target = blob.lexically_relative(pointer.parent_path());
  fs::path temp = pointer;
  temp += ".tmp." + std::to_string(::getpid());
  fs::remove(temp, ec);
  if (::symlink(target.c_str(), temp.c_str()) != 0) {
    throw io_error(std::string("cannot create symlink: ") + std::strerror(errno), {.file = temp.string()});
  }
  if (std::rename(temp.c_str(), pointer.c_str()) != 0) {
    const int err = errno;
    fs::remove(temp, ec);
    throw io_error(std::string("cannot rename into place: ") + std::strerror(err),
                   {.file = pointer.string()});
  }
}

std::vector<std::string> snapshot_files(const fs::path& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path().lexically_relative(folder).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace molt::hub
