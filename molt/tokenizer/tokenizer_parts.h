// TokenizerParts: everything a Tokenizer is made of, as plain values. The loaders
// (tokenizer.json, vocab.txt with its configuration, a GGUF vocabulary) fill one in; code
// that holds a vocabulary in memory can fill one in itself and call Tokenizer::from_parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "molt/tokenizer/added_tokens.h"
#include "molt/tokenizer/normalizer.h"
#include "molt/tokenizer/post_processor.h"
#include "molt/tokenizer/truncation.h"
#include "molt/tokenizer/wordpiece.h"

namespace molt::tokenizer {

struct TokenizerParts {
  // The WordPiece vocabulary, (token, id); special tokens such as [CLS] are usually in it too.
  std::vector<std::pair<std::string, std::int32_t>> vocab;
  WordPieceOptions wordpiece;
  NormalizerOptions normalizer;
  std::vector<AddedToken> added_tokens;  // matched in the text before normalization
  PostProcessor post_processor;          // empty templates: no special tokens added
  std::optional<TruncationParams> truncation;
  std::optional<std::int32_t> pad_id;
  std::optional<std::size_t> model_max_length;  // tokenizer_config.json, informational
  std::string source;                           // the file it came from, named in errors
};

}  // namespace molt::tokenizer
