// The architectures molt runs, as a plain table keyed by config.json's model_type (and, for
// GGUF files, by llama.cpp's general.architecture). Adding an architecture is one file
// (arch/<name>.cpp) and one line in registry.cpp; nothing else branches on the architecture.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "molt/arch/architecture.h"
#include "molt/formats/gguf_metadata.h"
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
  // llama.cpp's name for the architecture in a GGUF file's general.architecture ("bert",
  // "nomic-bert"), and the loader that reads its "<name>.*" metadata keys and tensor names
  // into the same architecture; empty / null when molt reads no GGUF form of it.
  std::string_view gguf_architecture;
  std::unique_ptr<Architecture> (*load_gguf)(const formats::GgufMetadata& metadata,
                                             const model::WeightSource& weights) = nullptr;
};

std::span<const ArchitectureEntry> architectures();

// The entry for config.json's model_type. Throws input_error naming the file and field for a
// missing or unsupported model_type, listing the supported ones.
const ArchitectureEntry& find_architecture(const model::JsonConfig& config);

// The entry for a GGUF file's general.architecture. Throws input_error naming the file
// (`source`) and the key for a missing or unsupported architecture, listing the supported ones.
const ArchitectureEntry& find_gguf_architecture(const formats::GgufMetadata& metadata, const std::string& source);

}  // namespace molt::arch
