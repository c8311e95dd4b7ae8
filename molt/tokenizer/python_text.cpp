#include "molt/tokenizer/python_text.h"

#include "molt/tokenizer/unicode.h"

namespace molt::tokenizer {
namespace {

constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;

// Python's handle_capital_sigma: Σ at text[i] is final when a cased letter precedes it and
// none follows it, case-ignorable code points skipped on both sides.
bool is_final_sigma(const std::u32string& text, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && unicode::is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !unicode::is_cased(text[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < text.size() && unicode::is_case_ignorable(text[k])) ++k;
  return k == text.size() || !unicode::is_cased(text[k]);
}

}  // namespace

std::string python_lower(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool ascii = true;
  for (const char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    for (const char c : utf8) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return out;
  }
  const std::u32string text = unicode::decode_all(utf8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == kCapitalSigma) {
      unicode::append_utf8(out, is_final_sigma(text, i) ? kFinalSigma : kSmallSigma);
      continue;
    }
    char32_t lowered[2];
    const int n = unicode::lower_full(text[i], lowered);
    for (int k = 0; k < n; ++k) unicode::append_utf8(out, lowered[k]);
  }
  return out;
}

std::string python_strip(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    char32_t c = 0;
    const std::size_t len = unicode::decode_utf8(s, begin, c);
    if (c == unicode::kReplacementChar || !unicode::is_python_space(c)) break;
    begin += len;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;  // the first byte of the last code point
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && end - start < 4) --start;
    char32_t c = 0;
    if (unicode::decode_utf8(s, start, c) != end - start || !unicode::is_python_space(c)) break;
    end = start;
  }
  return std::string(s.substr(begin, end - begin));
}

}  // namespace molt::tokenizer
