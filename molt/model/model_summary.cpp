#include "molt/model/model_summary.h"

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/formats/gguf.h"

namespace molt::model {
namespace fs = std::filesystem;

namespace {

// The JSON object in `path`; nullopt when absent. Throws input_error when malformed.
std::optional<nlohmann::json> read_json(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  auto doc = nlohmann::json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw input_error("invalid JSON", {.file = path.string()});
  return doc;
}

std::optional<std::int64_t> int_field(const nlohmann::json& doc, std::initializer_list<const char*> keys) {
  if (!doc.is_object()) return std::nullopt;
  for (const char* key : keys) {
    const auto it = doc.find(key);
    if (it != doc.end() && it->is_number_integer()) return it->get<std::int64_t>();
  }
  return std::nullopt;
}

std::uint64_t size_on_disk(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    const auto size = fs::file_size(path, ec);
    return ec ? 0 : size;
  }
  std::uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;  // follows symlinks (Hugging Face cache blobs)
    const auto size = fs::file_size(it->path(), ec);
    if (!ec) total += size;
    ec.clear();
  }
  return total;
}

std::string weights_format(const fs::path& folder) {
  std::error_code ec;
  std::string format = "none";
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto ext = entry.path().extension();
    if (ext == ".safetensors") return "safetensors";
    if (ext == ".gguf") format = "gguf";
  }
  return format;
}

// The output dimension sentence-transformers' modules give, when modules.json says.
std::optional<std::int64_t> modules_dimension(const fs::path& folder) {
  const auto modules = read_json(folder / "modules.json");
  if (!modules || !modules->is_array()) return std::nullopt;
  std::optional<std::int64_t> dim;
  for (const auto& module : *modules) {
    if (!module.is_object()) continue;
    const std::string type = module.value("type", "");
    const std::string path = module.value("path", "");
    if (type.ends_with(".Dense")) {
      if (const auto config = read_json(folder / path / "config.json")) {
        if (auto out = int_field(*config, {"out_features"})) dim = out;
      }
    } else if (type.ends_with(".Pooling")) {
      if (const auto config = read_json(folder / path / "config.json")) {
        if (auto width = int_field(*config, {"word_embedding_dimension"})) {
          std::int64_t modes = 0;
          for (const auto& [key, value] : config->items()) {
            if (key.starts_with("pooling_mode_") && value.is_boolean() && value.get<bool>()) ++modes;
          }
          dim = *width * std::max<std::int64_t>(modes, 1);
        }
      }
    }
  }
  return dim;
}

// A GGUF file's header: general.architecture, <arch>.embedding_length and context_length
// (sentence-transformers files beside it are not consulted here).
void summarize_gguf(const fs::path& path, ModelSummary& summary) {
  try {
    const formats::GgufFile file(path);
    const auto arch = file.metadata().find_string("general.architecture");
    if (!arch) return;
    summary.architecture = *arch;
    if (const auto dim = file.metadata().find_u32(*arch + ".embedding_length")) summary.dimension = *dim;
    if (const auto ctx = file.metadata().find_u32(*arch + ".context_length")) summary.max_length = *ctx;
  } catch (const Error& e) {
    summary.problem = e.message();
  }
}

}  // namespace

ModelSummary summarize_model(const fs::path& folder_or_gguf) {
  ModelSummary summary;
  summary.size_bytes = size_on_disk(folder_or_gguf);
  std::error_code ec;
  if (!fs::is_directory(folder_or_gguf, ec)) {
    summary.format = folder_or_gguf.extension() == ".gguf" ? "gguf" : "none";
    if (summary.format == "gguf") summarize_gguf(folder_or_gguf, summary);
    return summary;
  }
  const fs::path& folder = folder_or_gguf;
  summary.format = weights_format(folder);
  try {
    const auto config = read_json(folder / "config.json");
    if (config && config->is_object()) {
      summary.architecture = config->value("model_type", "");
      summary.dimension = int_field(*config, {"hidden_size", "n_embd", "d_model"});
      summary.max_length = int_field(*config, {"max_position_embeddings", "n_positions"});
    }
    if (auto dim = modules_dimension(folder)) summary.dimension = dim;
    if (const auto st = read_json(folder / "sentence_bert_config.json")) {
      if (auto max = int_field(*st, {"max_seq_length"})) summary.max_length = max;
    }
  } catch (const Error& e) {
    summary.problem = e.message();
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
    summary.problem = e.what();
  }
  return summary;
}

}  // namespace molt::model
