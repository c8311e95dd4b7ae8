#include "molt/tokenizer/wordpiece.h"

#include <algorithm>

#include "molt/base/check.h"
#include "molt/base/error.h"

namespace molt::tokenizer {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

WordPiece::WordPiece(const Vocabulary& vocab, const WordPieceOptions& options)
    : vocab_(&vocab), options_(options) {
  MOLT_CHECK(vocab.continuing_prefix() == options.continuing_subword_prefix);
  unk_id_ = vocab.find(options_.unk_token);
  if (unk_id_ == Vocabulary::kNone) {
    throw input_error("the unknown token \"" + options_.unk_token + "\" is not in the vocabulary");
  }
}

void WordPiece::encode(std::string_view piece, std::vector<std::int32_t>& out) const {
  if (piece.empty()) return;
  std::size_t n_chars = 0;
  for (const char c : piece) n_chars += is_continuation_byte(c) ? 0 : 1;
  if (n_chars > options_.max_input_chars_per_word) {
    out.push_back(unk_id_);
    return;
  }
  const std::size_t first = out.size();
  std::size_t start = 0;
  while (start < piece.size()) {
    // Longest first, as the reference tries end = len, len - 1, ...; no token is longer
    // than the vocabulary's longest, so shorter candidates only.
    const std::size_t limit = start == 0 ? vocab_->max_token_bytes() : vocab_->max_continuation_bytes();
    std::size_t end = std::min(piece.size(), start + limit);
    std::int32_t id = Vocabulary::kNone;
    for (; end > start; --end) {
      if (end < piece.size() && is_continuation_byte(piece[end])) continue;  // not a code point boundary
      const std::string_view candidate = piece.substr(start, end - start);
      id = start == 0 ? vocab_->find(candidate) : vocab_->find_continuation(candidate);
      if (id != Vocabulary::kNone) break;
    }
    if (id == Vocabulary::kNone) {
      out.resize(first);
      out.push_back(unk_id_);
      return;
    }
    out.push_back(id);
    start = end;
  }
}

}  // namespace molt::tokenizer
