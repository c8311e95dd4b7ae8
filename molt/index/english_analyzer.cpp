#include "molt/index/english_analyzer.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>

#include "molt/index/porter_stemmer.h"
#include "molt/index/standard_tokenizer.h"

namespace molt::index {
namespace {

// Sorted, for binary search.
constexpr std::array<std::string_view, 33> kStopWords = {
    "a",    "an",   "and",  "are",  "as",    "at",   "be",    "but",   "by",
    "for",  "if",   "in",   "into", "is",    "it",   "no",    "not",   "of",
    "on",   "or",   "such", "that", "the",   "their", "then", "there", "these",
    "they", "this", "to",   "was",  "will",  "with"};
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()));

// EnglishPossessiveFilter: a word ending in 's or 'S, the apostrophe being U+0027, U+2019
// or U+FF07, loses those two characters.
std::string_view strip_possessive(std::string_view w) {
  if (w.size() < 2) return w;
  const char last = w.back();
  if (last != 's' && last != 'S') return w;
  const std::string_view head = w.substr(0, w.size() - 1);
  if (head.ends_with('\'')) return head.substr(0, head.size() - 1);
  if (head.ends_with("\xE2\x80\x99")) return head.substr(0, head.size() - 3);  // U+2019
  if (head.ends_with("\xEF\xBC\x87")) return head.substr(0, head.size() - 3);  // U+FF07
  return w;
}

// LowerCaseFilter: simple (one-to-one) lower-case mapping per code point.
void lower_case(std::string_view w, std::string& out) {
  out.clear();
  out.reserve(w.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(w.data());
  std::size_t pos = 0;
  while (pos < w.size()) {
    const auto b = static_cast<unsigned char>(w[pos]);
    if (b < 0x80) {
      out.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++pos;
      continue;
    }
    utf8proc_int32_t c = 0;
    const auto len = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(w.size() - pos), &c);
    if (len <= 0) {
      out.push_back(w[pos]);  // tokens never hold invalid bytes; keep them unchanged if so
      ++pos;
      continue;
    }
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(utf8proc_tolower(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
    pos += static_cast<std::size_t>(len);
  }
}

}  // namespace

std::span<const std::string_view> english_stop_words() { return kStopWords; }

bool is_english_stop_word(std::string_view w) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), w);
}

void EnglishAnalyzer::analyze(std::string_view text,
                              const std::function<void(const AnalyzedToken&)>& emit) const {
  std::uint32_t position = 0;
  AnalyzedToken token;
  std::string lower;
  standard_tokenize(text, [&](const WordSpan& span) {
    const std::uint32_t pos = position++;
    const std::string_view word = strip_possessive(text.substr(span.begin, span.end - span.begin));
    lower_case(word, lower);
    if (options_.remove_stop_words && is_english_stop_word(lower)) return;
    token.term = options_.stem ? porter_stem(lower) : lower;
    token.position = pos;
    token.begin = span.begin;
    token.end = span.end;
    emit(token);
  });
}

std::vector<AnalyzedToken> EnglishAnalyzer::tokens(std::string_view text) const {
  std::vector<AnalyzedToken> out;
  analyze(text, [&out](const AnalyzedToken& t) { out.push_back(t); });
  return out;
}

std::vector<std::string> EnglishAnalyzer::terms(std::string_view text) const {
  std::vector<std::string> out;
  analyze(text, [&out](const AnalyzedToken& t) { out.push_back(t.term); });
  return out;
}

}  // namespace molt::index
