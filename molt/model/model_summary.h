// What `molt models` shows about a model folder or .gguf file without loading weights:
// architecture, embedding dimension, maximum sequence length, size on disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace molt::model {

// Read from the configuration files only; a missing or malformed file leaves its fields
// unknown and says so in `problem` instead of failing the whole listing.
struct ModelSummary {
  std::string format;        // "safetensors", "gguf", or "none" (no weights file)
  std::string architecture;  // config.json "model_type" (a GGUF file: general.architecture); empty when unknown
  std::optional<std::int64_t> dimension;   // the embedding size the model outputs
  std::optional<std::int64_t> max_length;  // max_seq_length, else max_position_embeddings
  std::uint64_t size_bytes = 0;            // every file, symlinks followed
  std::string problem;                     // why a field is unknown; empty when all is well
};

// dimension: the last Dense module's out_features, else the Pooling module's
// word_embedding_dimension times its number of pooling modes, else config.json's
// hidden_size (n_embd, d_model). max_length: sentence_bert_config.json's max_seq_length,
// else config.json's max_position_embeddings (n_positions), as sentence-transformers picks.
ModelSummary summarize_model(const std::filesystem::path& folder_or_gguf);

}  // namespace molt::model
