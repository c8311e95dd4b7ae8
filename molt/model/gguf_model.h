// What a .gguf file is as a sentence-embedding model beyond its transformer. llama.cpp's
// converter records the pooling (<arch>.pooling_type, from 1_Pooling/config.json) and the
// context length, and nothing else of what sentence-transformers reads. Where the file is
// silent molt uses these defaults:
//  - pooling: the file's pooling_type (1 mean, 2 CLS, 3 last token); absent: mean, as
//    sentence-transformers builds it for a model without modules.json. 0 (none: one vector
//    per token) and 4 (rank: a reranker) are refused.
//  - normalization: L2, as llama.cpp's embedding tools do by default and as the embedding
//    models published as GGUF (MiniLM, BGE, E5, GTE, nomic-embed) do.
//  - max_seq_length: the file's <arch>.context_length (the architecture's context_length()).
//  - do_lower_case (sentence-transformers lower-casing texts and prompts before the
//    tokenizer): no — the tokenizer itself still lower-cases an uncased vocabulary.
//  - prompts: none (--prefix gives one).
// sentence-transformers files in the .gguf's folder fill the gaps: modules.json and the
// modules it names (Pooling, Dense, Normalize) as sentence-transformers reads them — its
// Pooling must agree with the file's pooling_type — and, with or without it,
// sentence_bert_config.json (max_seq_length, do_lower_case) and
// config_sentence_transformers.json (prompts).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "molt/formats/gguf_metadata.h"
#include "molt/model/pooling_config.h"
#include "molt/model/sentence_transformers.h"

namespace molt::model {

// <arch>.pooling_type as a pooling mode; nullopt when absent. Throws input_error naming the
// file and key for none (0), rank (4) and unknown values.
std::optional<PoolingMode> gguf_pooling_mode(const formats::GgufMetadata& metadata, std::string_view architecture,
                                             const std::string& source);

// The sentence-transformers view of the .gguf file `gguf_path`: the files beside it, and the
// defaults above for what they do not say. `pooling` is always set; transformer_folder is the
// file's folder; `files` are relative to it. Throws input_error naming the file and field
// for malformed files, and for a Pooling module that disagrees with pooling_type.
SentenceTransformersConfig read_gguf_sentence_config(const std::filesystem::path& gguf_path,
                                                     const formats::GgufMetadata& metadata,
                                                     std::string_view architecture, std::int64_t hidden_size);

}  // namespace molt::model
