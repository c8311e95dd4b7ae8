// The architectures molt runs, as a plain table keyed by config.json's model_type. Adding an
// architecture is one file (arch/<name>.cpp) and one line in registry.cpp; nothing else
// branches on the architecture.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "molt/arch/architecture.h"
#include "molt/model/json_config.h"
#include "molt/model/matryoshka.h"
#include "molt/model/weight_source.h"

namespace molt::arch {

struct ArchitectureEntry {
  std::string_view model_type;
  // Reads the hyper-parameters from config.json, finds every tensor the architecture needs
  // in `weights` and checks its shape against them, before any compute. The returned
  // architecture views `weights`, which must outlive it. Throws input_error naming
  // config.json and the field, or the weights file and the tensor.
  std::unique_ptr<Architecture> (*load)(const model::JsonConfig& config,
                                        const model::WeightSource& weights);
  // What `--dim` does before slicing, per the model family's card.
  model::MatryoshkaPreStep matryoshka_pre_step = model::MatryoshkaPreStep::kNone;
};

std::span<const ArchitectureEntry> architectures();

// The entry for config.json's model_type. Throws input_error naming the file and field for a
// missing or unsupported model_type, listing the supported ones.
const ArchitectureEntry& find_architecture(const model::JsonConfig& config);

}  // namespace molt::arch
