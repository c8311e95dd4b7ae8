#include "molt/hub/file_selection.h"

#include <fnmatch.h>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"

namespace molt::hub {
namespace {

// Files at the root of a sentence-transformers / transformers model repository.
constexpr const char* kRootFiles[] = {
    "config.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "modules.json",
    "README.md",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
    "tokenizer.model",
    "model.safetensors",
    "model.safetensors.index.json",
    "model-*-of-*.safetensors",
};

// Inside a module folder: its configuration, weights and any tokenizer files.
constexpr const char* kModuleFiles[] = {"*.json", "*.safetensors", "*.txt", "*.model"};

bool ends_with_any(std::string_view path, std::initializer_list<std::string_view> suffixes) {
  for (auto s : suffixes) {
    if (path.ends_with(s)) return true;
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  const std::string p(pattern);
  const std::string s(path);
  return ::fnmatch(p.c_str(), s.c_str(), 0) == 0;
}

std::vector<std::string> module_folders(std::string_view modules_json, const std::string& source) {
  const auto doc = nlohmann::json::parse(modules_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) {
    throw input_error("modules.json is not a JSON array", {.file = source});
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& module = doc[i];
    const auto path = module.is_object() ? module.find("path") : module.end();
    if (!module.is_object() || path == module.end() || !path->is_string()) {
      throw input_error("modules.json entry without a \"path\"",
                        {.file = source, .field = "[" + std::to_string(i) + "].path"});
    }
    std::string folder = path->get<std::string>();
    while (!folder.empty() && folder.back() == '/') folder.pop_back();
    if (!folder.empty()) out.push_back(folder);
  }
  return out;
}

std::vector<std::string> default_patterns(const std::vector<std::string>& modules) {
  std::vector<std::string> patterns(std::begin(kRootFiles), std::end(kRootFiles));
  for (const auto& folder : modules) {
    for (const char* file : kModuleFiles) patterns.push_back(folder + "/" + file);
  }
  return patterns;
}

std::vector<std::string> select_files(const std::vector<std::string>& files,
                                      const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const auto& file : files) {
    for (std::string pattern : patterns) {
      if (pattern.ends_with('/')) pattern += '*';
      if (glob_match(pattern, file)) {
        out.push_back(file);
        break;
      }
    }
  }
  return out;
}

bool is_readable_weights(std::string_view path) {
  return ends_with_any(path, {".safetensors", ".gguf"});
}

bool is_other_weights(std::string_view path) {
  return ends_with_any(path, {".bin", ".pt", ".pth", ".onnx", ".h5", ".msgpack", ".ot", ".ckpt"});
}

}  // namespace molt::hub
