// The Unicode facts the tokenizer needs, exactly as Python 3.11's unicodedata (Unicode 14.0)
// gives them: Hugging Face's slow BertTokenizer, the fixtures' reference, ran on those tables.
// utf8proc (Unicode 15.0) supplies them; the 4,489 code points Unicode 15.0 assigned are
// treated as unassigned here, which makes every answer below equal Python's (checked for all
// 1,114,112 code points by tests/golden/unicode_python_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace molt::tokenizer::unicode {

constexpr char32_t kReplacementChar = 0xFFFD;

// General categories, numbered as utf8proc numbers them (utf8proc_category_t).
enum class Category : std::uint8_t {
  kCn, kLu, kLl, kLt, kLm, kLo, kMn, kMc, kMe, kNd, kNl, kNo, kPc, kPd, kPs, kPe, kPi, kPf,
  kPo, kSm, kSc, kSk, kSo, kZs, kZl, kZp, kCc, kCf, kCs, kCo,
};

// Decodes the code point starting at s[pos] into `cp` and returns its length in bytes (at
// least 1). An ill-formed sequence decodes to U+FFFD, one per maximal subpart (Unicode 14
// §3.9, what Python's bytes.decode("utf-8", "replace") does); encoded surrogates are
// ill-formed. `pos` must be < s.size().
std::size_t decode_utf8(std::string_view s, std::size_t pos, char32_t& cp);
void append_utf8(std::string& out, char32_t cp);
// Every code point of `s`, ill-formed sequences replaced as decode_utf8 does.
std::u32string decode_all(std::string_view s);
std::string encode_all(std::u32string_view s);

// unicodedata.category(); "Cn" for the code points Unicode 15.0 added.
Category category(char32_t cp);
inline bool is_other(Category c) {  // C*: Cn Cc Cf Cs Co
  return c == Category::kCn || c >= Category::kCc;
}
inline bool is_punctuation_category(Category c) {  // P*
  return c >= Category::kPc && c <= Category::kPo;
}

// Python's str.isspace(): bidirectional class WS, B or S, or category Zs.
bool is_python_space(char32_t cp);

// The Cased and Case_Ignorable properties (Unicode §3.13), which decide Python's Final_Sigma.
bool is_cased(char32_t cp);
bool is_case_ignorable(char32_t cp);

// Python's full lower-case mapping of one code point (str.lower() of a one-character
// string): the simple mapping, except U+0130 → "i\u0307". Writes 1 or 2 code points to
// `out` and returns how many.
int lower_full(char32_t cp, char32_t out[2]);

// unicodedata.normalize("NFD" / "NFC", ...) of `in`, appended to `out` (`in` and `out` must
// not overlap). `scratch` is working memory the caller keeps to avoid reallocating.
void nfd_append(std::u32string_view in, std::u32string& out);
void nfc_append(std::u32string_view in, std::u32string& out, std::vector<std::int32_t>& scratch);

// Text whose code points are all below these is left unchanged by NFD / by NFC.
constexpr char32_t kNfdStableBelow = 0xC0;
constexpr char32_t kNfcStableBelow = 0x300;

}  // namespace molt::tokenizer::unicode
