#include "molt/hub/model_resolver.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/hub/hf_cache.h"
#include "molt/hub/pull.h"
#include "molt/hub/repo_id.h"

namespace molt::hub {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> gguf_files(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".gguf" && entry.is_regular_file(ec)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool has_config(const fs::path& folder) {
  std::error_code ec;
  return fs::is_regular_file(folder / "config.json", ec) || fs::is_regular_file(folder / "modules.json", ec);
}

// The path a model folder stands for: the folder, or its .gguf file when it holds one and
// no transformers config.json (sentence-transformers files beside a .gguf describe the
// pipeline around it, not another model).
fs::path model_path_in(const fs::path& folder) {
  std::error_code ec;
  if (fs::is_regular_file(folder / "config.json", ec)) return folder;
  const auto ggufs = gguf_files(folder);
  if (ggufs.size() == 1) return ggufs.front();
  if (ggufs.size() > 1) {
    std::string names;
    for (const auto& g : ggufs) names += (names.empty() ? "" : ", ") + g.filename().string();
    throw usage_error("the folder holds several .gguf files (" + names + "): name one with --model",
                      {.file = folder.string()});
  }
  return folder;
}

ResolvedModel in_folder(const fs::path& folder, ModelSource source, std::string id, std::string commit) {
  if (!looks_like_model_folder(folder)) {
    throw input_error("not a model folder: it holds no config.json, modules.json or .gguf file",
                      {.file = folder.string()});
  }
  return ResolvedModel{model_path_in(folder), source, std::move(id), std::move(commit)};
}

// Weights at the top of a snapshot: what a finished download of a model has.
bool has_weights(const fs::path& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto ext = entry.path().extension();
    if (ext == ".safetensors" || ext == ".gguf") return true;
  }
  return false;
}

bool looks_like_path(std::string_view model) {
  return model.starts_with('/') || model.starts_with("./") || model.starts_with("../") ||
         model.starts_with('~') || model == "." || model == ".." || model.ends_with(".gguf") ||
         std::count(model.begin(), model.end(), '/') > 1;
}

std::vector<fs::path> models_dir_candidates(const fs::path& dir, const RepoId& id) {
  if (id.org.empty()) return {dir / id.name};
  return {dir / id.org / id.name, dir / id.name};
}

std::string not_local_message(const RepoId& id, const HubOptions& options, std::string_view revision) {
  std::string looked;
  if (options.model_dirs.empty()) {
    looked = "MOLT_MODELS (not set)";
  } else {
    looked = "MOLT_MODELS folders";
    for (const auto& dir : options.model_dirs) {
      for (const auto& c : models_dir_candidates(dir, id)) looked += " " + c.string();
    }
  }
  if (options.cache_dir.empty()) {
    looked += "; the Hugging Face cache (none: HF_HOME and HOME are not set)";
  } else {
    looked += "; the Hugging Face cache " + repo_cache_dir(options.cache_dir, id).string();
    if (revision != "main") looked += " at revision '" + std::string(revision) + "'";
  }
  std::string message = "model '" + id.str() + "' is not on this machine (searched " + looked + ")";
  if (options.offline) {
    message += "; offline mode is on (HF_HUB_OFFLINE): copy the model folder into a MOLT_MODELS "
               "folder, or a Hugging Face cache holding it to HF_HOME, or unset HF_HUB_OFFLINE";
  } else {
    message += "; get it with `molt pull " + id.str() + "`";
  }
  return message;
}

}  // namespace

const char* source_name(ModelSource source) {
  switch (source) {
    case ModelSource::kPath:
      return "path";
    case ModelSource::kModelsDir:
      return "MOLT_MODELS";
    case ModelSource::kHubCache:
      return "hf-cache";
    case ModelSource::kDownloaded:
      return "downloaded";
  }
  return "path";
}

bool looks_like_model_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return false;
  return has_config(folder) || !gguf_files(folder).empty();
}

std::optional<ResolvedModel> find_local_model(std::string_view model, const HubOptions& options,
                                              std::string_view revision) {
  const fs::path path{std::string(model)};
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) return in_folder(path, ModelSource::kPath, "", "");
    if (fs::is_regular_file(status) && path.extension() == ".gguf") {
      return ResolvedModel{path, ModelSource::kPath, "", ""};
    }
    throw input_error("not a model: --model takes a model folder, a .gguf file or a Hub id (org/name)",
                      {.file = path.string()});
  }
  if (model.empty() || looks_like_path(model)) {
    throw not_found_error("no such model folder or file", {.file = path.string()});
  }
  const auto id = parse_repo_id(model);
  if (!id) {
    throw usage_error("'" + std::string(model) +
                      "' is neither a model folder, a .gguf file nor a Hugging Face id (org/name)");
  }
  for (const auto& dir : options.model_dirs) {
    for (const auto& candidate : models_dir_candidates(dir, *id)) {
      if (fs::is_directory(candidate, ec)) return in_folder(candidate, ModelSource::kModelsDir, id->str(), "");
    }
  }
  if (auto snapshot = find_cached_snapshot(options.cache_dir, *id, revision)) {
    // A snapshot without a configuration is an interrupted download: not usable yet.
    if (looks_like_model_folder(snapshot->folder)) {
      ResolvedModel found = in_folder(snapshot->folder, ModelSource::kHubCache, id->str(), snapshot->commit);
      found.complete = snapshot->named && has_weights(snapshot->folder);
      return found;
    }
  }
  return std::nullopt;
}

ResolvedModel resolve_model(std::string_view model, const HubOptions& options, const ResolveOptions& resolve) {
  const auto local = find_local_model(model, options, resolve.revision);
  const bool can_download = !options.offline && resolve.allow_download;
  if (local && (local->complete || !can_download)) return *local;
  const RepoId id = *parse_repo_id(model);  // find_local_model threw for anything else
  if (!can_download) throw not_found_error(not_local_message(id, options, resolve.revision));
  PullOptions pull;
  pull.revision = resolve.revision;
  pull.progress = resolve.progress;
  try {
    const PullResult pulled = pull_model(id, options, pull);
    return in_folder(pulled.snapshot, ModelSource::kDownloaded, id.str(), pulled.commit);
  } catch (const Error& e) {
    // An incomplete snapshot may still serve (a tokenizer needs no weights); without the
    // network it is all there is.
    if (local && e.kind() == ErrorKind::kIo) return *local;
    throw;
  }
}

std::vector<LocalModel> list_local_models(const HubOptions& options) {
  std::vector<LocalModel> out;
  const auto add = [&out](std::string id, const fs::path& folder, ModelSource source, std::string commit) {
    fs::path path = folder;
    try {
      path = model_path_in(folder);
    } catch (const Error&) {
      // several .gguf files: list the folder
    }
    out.push_back(LocalModel{std::move(id), path, source, std::move(commit)});
  };
  std::error_code ec;
  for (const auto& dir : options.model_dirs) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir, ec)) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
      if (!fs::is_directory(entry, ec)) continue;
      const std::string name = entry.filename().string();
      if (looks_like_model_folder(entry)) {
        add(name, entry, ModelSource::kModelsDir, "");
        continue;
      }
      std::vector<fs::path> children;
      for (const auto& child : fs::directory_iterator(entry, ec)) children.push_back(child.path());
      std::sort(children.begin(), children.end());
      for (const auto& child : children) {
        if (looks_like_model_folder(child)) {
          add(name + "/" + child.filename().string(), child, ModelSource::kModelsDir, "");
        }
      }
    }
  }
  for (const auto& snapshot : list_cached_models(options.cache_dir)) {
    if (looks_like_model_folder(snapshot.folder)) {
      add(snapshot.id.str(), snapshot.folder, ModelSource::kHubCache, snapshot.commit);
    }
  }
  return out;
}

}  // namespace molt::hub
