// The WordPiece model (Hugging Face's WordPiece / the slow BertTokenizer's
// WordpieceTokenizer): each piece from the pre-tokenizer becomes the longest vocabulary token
// that starts it, then the longest continuation ("##…") token at each following position.
// A piece with no such split, or longer than max_input_chars_per_word code points, becomes
// the single unknown token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "molt/tokenizer/vocabulary.h"

namespace molt::tokenizer {

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
};

class WordPiece {
 public:
  WordPiece() = default;
  // Throws input_error when the unknown token is not in `vocab`. Keeps a pointer to `vocab`,
  // which must outlive this object and must have been built with the same prefix.
  WordPiece(const Vocabulary& vocab, const WordPieceOptions& options);

  // Appends the ids of `piece` (valid UTF-8, no whitespace) to `out`. Thread-safe.
  void encode(std::string_view piece, std::vector<std::int32_t>& out) const;

  std::int32_t unk_id() const { return unk_id_; }
  const WordPieceOptions& options() const { return options_; }

 private:
  const Vocabulary* vocab_ = nullptr;
  WordPieceOptions options_;
  std::int32_t unk_id_ = Vocabulary::kNone;
};

}  // namespace molt::tokenizer
