#include "molt/model/model_identity.h"

#include <algorithm>

#include "molt/base/content_hash.h"
#include "molt/base/file_io.h"

namespace molt::model {
namespace fs = std::filesystem;

std::span<const char* const> tokenizer_file_names() {
  static constexpr const char* kNames[] = {"tokenizer.json", "vocab.txt", "tokenizer_config.json",
                                           "special_tokens_map.json", "added_tokens.json"};
  return kNames;
}

std::string model_content_hash(const fs::path& folder, std::vector<std::string> files,
                               const WeightSource& weights) {
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  ContentHash hash;
  hash.update_field("molt-model-v1");
  for (const std::string& name : files) {
    std::error_code ec;
    const fs::path path = folder / name;
    if (!fs::is_regular_file(path, ec)) continue;
    hash.update_field(name);
    hash.update_field(read_file(path));
  }
  for (const WeightFile& file : weights.files()) {
    hash.update_field("weights");
    hash.update_u64(file.bytes.size());
    hash.update(file.bytes);
  }
  return hash.hex();
}

std::string default_model_name(const fs::path& path) {
  fs::path p = path.lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "folder/"
  // .../models--org--name/snapshots/<commit>
  const fs::path snapshots = p.parent_path();
  if (snapshots.filename() == "snapshots") {
    const std::string repo = snapshots.parent_path().filename().string();
    if (repo.starts_with("models--")) {
      std::string id = repo.substr(8);
      const auto sep = id.find("--");
      if (sep != std::string::npos) id.replace(sep, 2, "/");
      return id;
    }
  }
  std::string name = p.filename().string();
  if (p.extension() == ".gguf") name = p.stem().string();
  return name;
}

}  // namespace molt::model
