#include "molt/arch/registry.h"

#include <string>

#include "molt/arch/bert.h"
#include "molt/arch/nomic_bert.h"
#include "molt/base/error.h"

namespace molt::arch {

std::span<const ArchitectureEntry> architectures() {
  using model::MatryoshkaPreStep;
  static const ArchitectureEntry kTable[] = {
      {"bert", load_bert, MatryoshkaPreStep::kNone, "bert", load_bert_gguf},
      // nomic-embed-text-v1.5's card: layer norm over the full vector before slicing.
      {"nomic_bert", load_nomic_bert, MatryoshkaPreStep::kLayerNorm, "nomic-bert", load_nomic_bert_gguf},
  };
  return kTable;
}

const ArchitectureEntry& find_architecture(const model::JsonConfig& config) {
  const std::string model_type = config.require_string("model_type");
  std::string known;
  for (const ArchitectureEntry& entry : architectures()) {
    if (entry.model_type == model_type) return entry;
    if (!known.empty()) known += ", ";
    known += entry.model_type;
  }
  throw input_error("unsupported model_type '" + model_type + "' (molt runs: " + known + ")",
                    {.file = config.source(), .field = "model_type"});
}

const ArchitectureEntry& find_gguf_architecture(const formats::GgufMetadata& metadata, const std::string& source) {
  const auto name = metadata.find_string("general.architecture");
  if (!name) throw input_error("missing metadata key", {.file = source, .field = "general.architecture"});
  std::string known;
  for (const ArchitectureEntry& entry : architectures()) {
    if (entry.load_gguf == nullptr) continue;
    if (entry.gguf_architecture == *name) return entry;
    if (!known.empty()) known += ", ";
    known += entry.gguf_architecture;
  }
  throw input_error("unsupported GGUF architecture '" + *name + "' (molt runs: " + known + ")",
                    {.file = source, .field = "general.architecture"});
}

}  // namespace molt::arch
