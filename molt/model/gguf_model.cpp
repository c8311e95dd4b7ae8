#include "molt/model/gguf_model.h"

#include "molt/base/error.h"

namespace molt::model {
namespace fs = std::filesystem;

std::optional<PoolingMode> gguf_pooling_mode(const formats::GgufMetadata& metadata, std::string_view architecture,
                                             const std::string& source) {
  const std::string key = std::string(architecture) + ".pooling_type";
  // llama.cpp's enum llama_pooling_type.
  const auto type = metadata.find_u32(key);
  if (!type) return std::nullopt;
  switch (*type) {
    case 1: return PoolingMode::kMean;
    case 2: return PoolingMode::kCls;
    case 3: return PoolingMode::kLastToken;
    case 0:
      throw input_error("pooling_type 0 (none) gives one vector per token, not one per text; put the model's "
                        "modules.json and 1_Pooling/config.json beside the file to say how to pool",
                        {.file = source, .field = key});
    case 4:
      throw input_error("pooling_type 4 (rank) is a reranker, not an embedding model", {.file = source, .field = key});
    default:
      throw input_error("unknown pooling_type " + std::to_string(*type) + " (llama.cpp defines 0 to 4)",
                        {.file = source, .field = key});
  }
}

SentenceTransformersConfig read_gguf_sentence_config(const fs::path& gguf_path, const formats::GgufMetadata& metadata,
                                                     std::string_view architecture, std::int64_t hidden_size) {
  const fs::path folder = gguf_path.has_parent_path() ? gguf_path.parent_path() : fs::path(".");
  SentenceTransformersConfig st = read_sentence_transformers_config(folder, WithoutModulesJson::kReadTextSettings);
  const std::optional<PoolingMode> mode = gguf_pooling_mode(metadata, architecture, gguf_path.string());
  if (st.pooling) {
    if (mode && st.pooling->modes != std::vector<PoolingMode>{*mode}) {
      throw input_error(std::string("the Pooling module (") + st.pooling->describe() +
                            ") disagrees with the GGUF file's pooling_type (" + pooling_mode_name(*mode) + ")",
                        {.file = gguf_path.string(), .field = std::string(architecture) + ".pooling_type"});
    }
    return st;
  }
  st.pooling = default_pooling_config(hidden_size);
  if (mode) st.pooling->modes = {*mode};
  st.heads.clear();
  st.heads.push_back(HeadModule{HeadModule::Kind::kNormalize, std::nullopt});
  return st;
}

}  // namespace molt::model
