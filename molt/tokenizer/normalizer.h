// The BERT normalizer: Hugging Face's BertNormalizer options (tokenizer.json) with the
// semantics of the slow BertTokenizer's BasicTokenizer, the fixtures' reference:
//   1. lowercase (when on) every code point, before added tokens are matched;
//   2. clean_text: drop NUL, U+FFFD and control characters (category C* except \t \n \r),
//      map whitespace (space, \t, \n, \r, Zs) to a space;
//   3. handle_chinese_chars: every CJK ideograph becomes a word of its own;
//   4. per whitespace-separated word: NFC, lowercase, and strip_accents (NFD, then drop
//      non-spacing marks, Mn); strip_accents unset follows lowercase.
// Steps 2–3 classify code points (classify()); step 4 is normalize_word().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace molt::tokenizer {

struct NormalizerOptions {
  bool enabled = true;  // false: tokenizer.json "normalizer": null, text is used as it is
  bool clean_text = true;
  bool handle_chinese_chars = true;
  std::optional<bool> strip_accents;  // unset: strip when lowercasing
  bool lowercase = true;

  bool strips_accents() const { return enabled && strip_accents.value_or(lowercase); }
  bool lowercases() const { return enabled && lowercase; }
};

// What a code point of the text is to the word splitter.
enum class CharClass : std::uint8_t {
  kWord,   // part of a word
  kSpace,  // separates words (after clean_text: a space; always: Python's str.isspace)
  kDrop,   // removed by clean_text
  kCjk,    // a CJK ideograph: a word of its own
};

// The CJK Unified Ideographs blocks as the slow BertTokenizer lists them (Hugging Face's fast
// tokenizer has 0x2B920 where this has 0x2B820).
bool is_cjk_ideograph(char32_t cp);

// Working memory for normalize_word(), kept by the caller so that words allocate nothing.
struct WordScratch {
  std::u32string nfc;
  std::u32string lowered;
  std::vector<std::int32_t> compose;
};

class BertNormalizer {
 public:
  BertNormalizer() = default;
  explicit BertNormalizer(const NormalizerOptions& options);

  const NormalizerOptions& options() const { return options_; }

  // Step 1 on UTF-8 text (ill-formed sequences become U+FFFD), appended to `out`.
  void lowercase_text(std::string_view text, std::string& out) const;

  // Steps 2–3 for one code point; ASCII through a table.
  CharClass classify(char32_t cp) const;
  CharClass classify_ascii(unsigned char c) const { return ascii_class_[c]; }

  // Step 4's NFC of one word, appended to `out` (the slow tokenizer compares a word with its
  // special tokens after this step).
  void nfc_word(std::u32string_view word, std::u32string& out, std::vector<std::int32_t>& compose) const;
  // The rest of step 4 on an NFC word: lowercase and strip accents, appended to `out`.
  void finish_word(std::u32string_view nfc_word, std::u32string& out, WordScratch& scratch) const;

 private:
  NormalizerOptions options_;
  CharClass ascii_class_[128] = {};
};

}  // namespace molt::tokenizer
