// Reader of Hugging Face tokenizers' tokenizer.json for BERT-family WordPiece models:
// model WordPiece, normalizer BertNormalizer (or none), pre-tokenizer BertPreTokenizer,
// post-processor TemplateProcessing / BertProcessing / RobertaProcessing (or none),
// truncation, padding (its pad id), added tokens. Every field is read and checked; a
// component or option molt does not implement is an error naming it (the decoder, which
// only turns ids back into text, is accepted and not used).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "molt/tokenizer/tokenizer_parts.h"

namespace molt::tokenizer {

// Throws input_error naming `source`, the field ("model.vocab", "normalizer.type") and, for
// JSON syntax errors, the byte offset.
TokenizerParts parse_tokenizer_json(std::string_view json, const std::string& source);
// Reads the file; not_found_error / io_error when it cannot be read.
TokenizerParts read_tokenizer_json(const std::filesystem::path& file);

}  // namespace molt::tokenizer
