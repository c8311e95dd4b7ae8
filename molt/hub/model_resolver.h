// Turns a --model argument into a local path (CONTRACT.md "Naming a model"). The CLI and
// the server both call resolve_model; nothing else decides what a model name means.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/progress.h"
#include "molt/hub/hub_options.h"

namespace molt::hub {

// A folder in Hugging Face / sentence-transformers layout, a .gguf file, or a Hub id
// ("org/name" or "name") looked up in every MOLT_MODELS folder (org/name/ or name/), then in
// the Hugging Face cache, and pulled into that cache on first use unless offline.
enum class ModelSource {
  kPath,        // the argument was a folder or a .gguf file
  kModelsDir,   // found in a MOLT_MODELS folder
  kHubCache,    // found in the Hugging Face cache
  kDownloaded,  // pulled into the Hugging Face cache by this call
};
const char* source_name(ModelSource source);  // "path", "MOLT_MODELS", "hf-cache", "downloaded"

struct ResolvedModel {
  std::filesystem::path path;  // a model folder, or a .gguf file
  ModelSource source = ModelSource::kPath;
  std::string id;              // the Hub id when the argument was one
  std::string commit;          // the snapshot's commit, for the Hugging Face cache
  // false for a Hugging Face cache snapshot that may be an interrupted download: no
  // refs/<revision> names it, or it holds no weights (.safetensors, .gguf).
  bool complete = true;

  bool is_gguf() const { return path.extension() == ".gguf"; }
};

struct ResolveOptions {
  bool allow_download = true;   // pull ids found nowhere locally (never when offline)
  std::string revision = "main";
  ProgressFn progress;          // download progress; may be empty
};

// What resolve_model would return without touching the network; nullopt for an id found
// nowhere locally. Throws for a path that exists but is not a model (input_error), for
// something that looks like a path but does not exist (not_found_error), and for text
// that is neither a path nor a valid id (usage_error).
std::optional<ResolvedModel> find_local_model(std::string_view model, const HubOptions& options,
                                              std::string_view revision = "main");

// find_local_model, then a pull (pull_model) of an id found nowhere, or found only as an
// incomplete cache snapshot (the pull fills in what is missing; when the Hub cannot be
// reached the snapshot is returned as it is). Throws not_found_error saying where it looked
// and how to get the model when the id is not local and downloads are off (offline mode or
// !allow_download); otherwise pull_model's errors.
ResolvedModel resolve_model(std::string_view model, const HubOptions& options,
                            const ResolveOptions& resolve = {});

// A folder molt can take as a model: it holds config.json, modules.json or a .gguf file.
bool looks_like_model_folder(const std::filesystem::path& folder);

// Every model available without the network: each MOLT_MODELS folder's name/ and
// org/name/ model folders (and .gguf files), then each Hugging Face cache repository.
struct LocalModel {
  std::string id;
  std::filesystem::path path;
  ModelSource source = ModelSource::kModelsDir;
  std::string commit;
};
std::vector<LocalModel> list_local_models(const HubOptions& options);

}  // namespace molt::hub
