// Reader of the slow BertTokenizer's files: vocab.txt (one token per line, the line number is
// the id) with tokenizer_config.json (do_lower_case, strip_accents, tokenize_chinese_chars,
// the special tokens, added_tokens_decoder, model_max_length), special_tokens_map.json
// (which wins for the special tokens, as in transformers) and added_tokens.json.
#pragma once

#include <filesystem>

#include "molt/tokenizer/tokenizer_parts.h"

namespace molt::tokenizer {

// Throws not_found_error without vocab.txt, input_error naming the file and field or line
// for malformed files or unsupported settings (do_basic_tokenize false, never_split).
TokenizerParts read_vocab_txt_folder(const std::filesystem::path& model_dir);

// For a folder whose tokenizer.json has no padding section: the pad token that
// special_tokens_map.json / tokenizer_config.json name, and model_max_length, as
// transformers reads them next to tokenizer.json. Absent files change nothing.
void add_folder_special_tokens(const std::filesystem::path& model_dir, TokenizerParts& parts);

}  // namespace molt::tokenizer
