// The BERT pre-tokenizer (tokenizer.json "BertPreTokenizer", the slow BertTokenizer's
// BasicTokenizer): text is split into words on whitespace, and every punctuation character —
// ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P* category — becomes a piece of its
// own. Whitespace splitting happens while the normalizer classifies code points
// (CharClass::kSpace); this file splits a normalized word into the pieces WordPiece sees.
#pragma once

#include <string>
#include <string_view>

#include "molt/tokenizer/unicode.h"

namespace molt::tokenizer {

bool is_bert_punctuation(char32_t cp);

constexpr bool is_ascii_punctuation(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

// Calls emit(std::string_view piece) for each piece of an ASCII word, in order. Pieces are
// views of `word`.
template <class Emit>
void split_ascii_word(std::string_view word, Emit&& emit) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (!is_ascii_punctuation(static_cast<unsigned char>(word[i]))) continue;
    if (i > start) emit(word.substr(start, i - start));
    emit(word.substr(i, 1));
    start = i + 1;
  }
  if (start < word.size()) emit(word.substr(start));
}

// The same for a normalized word of any script; a whitespace code point inside it (which
// normalization never produces from the slow tokenizer's words, but may in principle)
// separates pieces too. Pieces are UTF-8 views of `buffer`, valid until the next piece.
template <class Emit>
void split_word(std::u32string_view word, std::string& buffer, Emit&& emit) {
  buffer.clear();
  for (const char32_t cp : word) {
    if (unicode::is_python_space(cp)) {
      if (!buffer.empty()) emit(std::string_view(buffer));
      buffer.clear();
      continue;
    }
    if (is_bert_punctuation(cp)) {
      if (!buffer.empty()) emit(std::string_view(buffer));
      buffer.clear();
      unicode::append_utf8(buffer, cp);
      emit(std::string_view(buffer));
      buffer.clear();
      continue;
    }
    unicode::append_utf8(buffer, cp);
  }
  if (!buffer.empty()) emit(std::string_view(buffer));
}

}  // namespace molt::tokenizer
