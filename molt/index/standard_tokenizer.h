// Word segmentation as Lucene 9's StandardTokenizer does it: the word-boundary rules of
// Unicode UAX #29 (letters, digits, "can't", "e.g", "3.14", "1,000", "foo_bar" stay whole;
// punctuation, symbols and spaces separate), South-East Asian runs kept whole, one token per
// ideograph or hiragana, emoji sequences as tokens. The first stage of EnglishAnalyzer.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace molt::index {

// One word: the bytes [begin, end) of the UTF-8 text it came from.
struct WordSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Lucene's default maximum token length, in UTF-16 code units. A longer word is cut into
// pieces of at most this length (the tokenizer's buffer limit), each piece a token.
inline constexpr std::size_t kMaxTokenUtf16 = 255;

// Calls emit(span) for every word of `text`, in order. Bytes that are not valid UTF-8 are
// treated as separators. Thread-safe (no shared state).
void standard_tokenize(std::string_view text, const std::function<void(const WordSpan&)>& emit);

// The same, collected.
std::vector<WordSpan> standard_tokenize(std::string_view text);

}  // namespace molt::index
