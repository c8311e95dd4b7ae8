// `molt pull`: a model repository's files into the Hugging Face cache, as huggingface_hub's
// snapshot_download puts them there, so Python tools and molt share one cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "molt/base/progress.h"
#include "molt/hub/hub_options.h"
#include "molt/hub/repo_id.h"

namespace molt::hub {

// The revision is resolved to a commit, each selected file is downloaded once into blobs/
// (resumable, verified) and linked from snapshots/<commit>/, and refs/<revision> is written
// last, when every file is in place.
struct PullOptions {
  std::string revision = "main";      // branch, tag or commit
  std::vector<std::string> include;   // globs; empty: what a sentence-transformers model needs
  ProgressFn progress;                // stage "download", unit "bytes"; may be empty
};

struct PullResult {
  RepoId id;
  std::string commit;
  std::filesystem::path snapshot;     // <cache>/models--org--name/snapshots/<commit>
  std::vector<std::string> files;     // the repository paths now in the snapshot, sorted
  std::size_t files_downloaded = 0;   // downloaded in this call (the others were cached)
  std::uint64_t bytes_downloaded = 0;
  bool offline = false;               // answered from the cache alone (HubOptions::offline)
};

// Throws: usage_error (no cache folder, --include matching nothing), not_found_error
// (unknown repository, revision or file; gated or private without access; offline and not
// cached), input_error (a repository without weights molt reads), io_error (network,
// verification, disk). Offline, only the cache is consulted.
PullResult pull_model(const RepoId& id, const HubOptions& options, const PullOptions& pull);

}  // namespace molt::hub
