// The Hugging Face Hub cache, the layout huggingface_hub and sentence-transformers share:
// finding snapshots without the network, and writing refs and snapshot links atomically.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/hub/repo_id.h"

namespace molt::hub {

// Layout:
//   <cache>/models--org--name/blobs/<etag>               file contents, named by their ETag
//   <cache>/models--org--name/snapshots/<commit>/<path>  relative symlinks into blobs/
//   <cache>/models--org--name/refs/<revision>            the commit a branch or tag names
struct CachedSnapshot {
  RepoId id;
  std::filesystem::path repo_dir;  // <cache>/models--org--name
  std::string commit;
  std::filesystem::path folder;    // repo_dir/snapshots/<commit>
  bool named = true;  // false: no refs/main, so the newest snapshot was taken instead
};

std::filesystem::path repo_cache_dir(const std::filesystem::path& cache, const RepoId& id);

// The snapshot `revision` names: a commit hash directly, otherwise refs/<revision>. For
// "main" without refs/main (a cache filled by commit), the only snapshot, or the most
// recently modified one. nullopt when the cache does not hold it.
std::optional<CachedSnapshot> find_cached_snapshot(const std::filesystem::path& cache,
                                                   const RepoId& id, std::string_view revision);

// Every model repository in the cache with the snapshot find_cached_snapshot(..., "main")
// picks, sorted by id. Folders that are not model repositories are skipped.
std::vector<CachedSnapshot> list_cached_models(const std::filesystem::path& cache);

// refs/<revision> ← commit (atomic; nothing written when it already says so).
void write_ref(const std::filesystem::path& repo_dir, std::string_view revision,
               std::string_view commit);

// A path inside a repository as the Hub names it ("1_Pooling/config.json"): relative,
// '/'-separated, no empty, "." or ".." parts, no NUL or backslash. Names the server sends
// pass this check before they become paths in the cache.
bool is_safe_repo_path(std::string_view path);
// An ETag or commit usable as one file name under blobs/ or snapshots/: a safe repository
// path of a single part.
bool is_safe_blob_name(std::string_view etag);

std::filesystem::path blob_path(const std::filesystem::path& repo_dir, std::string_view etag);
std::filesystem::path snapshot_file(const std::filesystem::path& repo_dir, std::string_view commit,
                                    std::string_view repo_path);

// snapshots/<commit>/<repo_path> → ../../blobs/<etag> (relative, so the cache can move),
// replacing what was there atomically. The blob must exist.
void link_snapshot_file(const std::filesystem::path& repo_dir, std::string_view commit,
                        std::string_view repo_path, std::string_view etag);

// The repository paths of every file in a snapshot folder, sorted.
std::vector<std::string> snapshot_files(const std::filesystem::path& folder);

}  // namespace molt::hub
