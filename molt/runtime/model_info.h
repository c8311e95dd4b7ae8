// ModelInfo: the facts about a loaded model that callers show, record and check — read from
// its files at load, immutable afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "molt/model/matryoshka.h"
#include "molt/model/model_identity.h"

namespace molt::runtime {

struct ModelInfo {
  model::ModelIdentity identity;     // name + hash of configuration, tokenizer and weights
  std::filesystem::path path;        // the folder (or .gguf file) loaded
  std::string format;                // "safetensors", "gguf"
  std::string architecture;          // config.json's model_type: "bert", "nomic_bert"
  std::string architecture_details;  // "6 layers, hidden 384, 12 heads, ffn 1536, gelu"
  std::string pooling;               // "mean -> Normalize"
  std::size_t dim = 0;               // width of the output vectors (before any --dim)
  std::size_t hidden_size = 0;       // width of the token states
  std::size_t vocab_size = 0;
  // Tokens per text, special tokens included; longer texts are truncated (as
  // sentence-transformers: max_seq_length, else min(position limit, tokenizer's
  // model_max_length); never beyond the architecture's position limit).
  std::size_t max_seq_length = 0;
  bool normalizes = false;           // output vectors have unit length
  bool do_lower_case = false;        // texts (and prompts) are lower-cased before tokenizing
  bool sentence_transformers = false;  // the folder has modules.json
  std::map<std::string, std::string> prompts;      // config_sentence_transformers.json
  std::optional<std::string> default_prompt_name;  // applied when a call names no prompt
  model::MatryoshkaPreStep matryoshka_pre_step = model::MatryoshkaPreStep::kNone;
  std::uint64_t weight_bytes = 0;    // size of the weight files (mapped, not copied)
};

}  // namespace molt::runtime
