#include "molt/tokenizer/normalizer.h"

#include "molt/tokenizer/unicode.h"

namespace molt::tokenizer {

bool is_cjk_ideograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

BertNormalizer::BertNormalizer(const NormalizerOptions& options) : options_(options) {
  for (char32_t c = 0; c < 128; ++c) ascii_class_[c] = classify(c);
}

void BertNormalizer::lowercase_text(std::string_view text, std::string& out) const {
  out.reserve(out.size() + text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      out.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++pos;
      continue;
    }
    char32_t cp = 0;
    pos += unicode::decode_utf8(text, pos, cp);
    char32_t lowered[2];
    const int n = unicode::lower_full(cp, lowered);
    for (int i = 0; i < n; ++i) unicode::append_utf8(out, lowered[i]);
  }
}

CharClass BertNormalizer::classify(char32_t cp) const {
  if (options_.enabled && options_.clean_text) {
    if (cp == 0 || cp == unicode::kReplacementChar) return CharClass::kDrop;
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == ' ') return CharClass::kSpace;
    const unicode::Category c = unicode::category(cp);
    if (unicode::is_other(c)) return CharClass::kDrop;
    if (c == unicode::Category::kZs) return CharClass::kSpace;
  }
  if (options_.enabled && options_.handle_chinese_chars && is_cjk_ideograph(cp)) return CharClass::kCjk;
  if (unicode::is_python_space(cp)) return CharClass::kSpace;
  return CharClass::kWord;
}

void BertNormalizer::nfc_word(std::u32string_view word, std::u32string& out,
                              std::vector<std::int32_t>& compose) const {
  char32_t max_cp = 0;
  for (const char32_t c : word) max_cp = c > max_cp ? c : max_cp;
  if (!options_.enabled || max_cp < unicode::kNfcStableBelow) {
    out.append(word);
  } else {
    unicode::nfc_append(word, out, compose);
  }
}

void BertNormalizer::finish_word(std::u32string_view word, std::u32string& out, WordScratch& scratch) const {
  if (options_.lowercases()) {
    // Python's token.lower(). Step 1 already lower-cased every code point, so no capital
    // sigma is left for the Final_Sigma rule to see.
    scratch.lowered.clear();
    for (const char32_t c : word) {
      char32_t lowered[2];
      const int k = unicode::lower_full(c, lowered);
      scratch.lowered.append(lowered, static_cast<std::size_t>(k));
    }
    word = scratch.lowered;
  }
  char32_t max_cp = 0;
  for (const char32_t c : word) max_cp = c > max_cp ? c : max_cp;
  if (!options_.strips_accents() || max_cp < unicode::kNfdStableBelow) {
    out.append(word);
    return;
  }
  const std::size_t begin = out.size();
  unicode::nfd_append(word, out);
  std::size_t w = begin;
  for (std::size_t r = begin; r < out.size(); ++r) {
    if (unicode::category(out[r]) != unicode::Category::kMn) out[w++] = out[r];
  }
  out.resize(w);
}

}  // namespace molt::tokenizer
