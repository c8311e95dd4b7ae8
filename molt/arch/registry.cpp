#include "molt/arch/registry.h"

#include <string>

#include "molt/arch/bert.h"
#include "molt/base/error.h"

namespace molt::arch {

std::span<const ArchitectureEntry> architectures() {
  static const ArchitectureEntry kTable[] = {
      {"bert", load_bert, model::MatryoshkaPreStep::kNone},
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

}  // namespace molt::arch
