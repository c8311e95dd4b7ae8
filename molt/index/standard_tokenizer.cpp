#include "molt/index/standard_tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace molt::index {
namespace {

// Word_Break classes of UAX #29 as Lucene's grammar uses them (Unicode 9 data, with the
// scripts its rules single out). kExtend covers Extend and Format: WB4 attaches both to the
// preceding character.
enum class Wb : std::uint8_t {
  kOther,
  kALetter,
  kHebrewLetter,
  kNumeric,
  kKatakana,
  kExtendNumLet,
  kMidLetter,
  kMidNum,
  kMidNumLet,
  kSingleQuote,
  kDoubleQuote,
  kExtend,
  kZwj,
  kHan,
  kHiragana,
  kComplexContext,  // Line_Break = SA: Thai, Lao, Myanmar, Khmer, ...
  kEmojiModifier,
  kRegionalIndicator,
};

struct Range {
  char32_t lo;
  char32_t hi;
};

template <std::size_t N>
bool in_ranges(const Range (&ranges)[N], char32_t c) {
  const auto it = std::upper_bound(std::begin(ranges), std::end(ranges), c,
                                   [](char32_t v, const Range& r) { return v < r.lo; });
  return it != std::begin(ranges) && c <= std::prev(it)->hi;
}

// Sorted, non-overlapping tables from the Unicode 9 UCD (WordBreakProperty.txt,
// Scripts.txt, LineBreak.txt), the version Lucene's StandardTokenizer grammar is built on.
constexpr Range kKatakanaRanges[] = {
    {0x3031, 0x3035}, {0x309B, 0x309C}, {0x30A0, 0x30FA}, {0x30FC, 0x30FF},
    {0x31F0, 0x31FF}, {0x32D0, 0x32FE}, {0x3300, 0x3357}, {0xFF66, 0xFF9D},
    {0x1B000, 0x1B000}};
constexpr Range kHiraganaRanges[] = {
    {0x3041, 0x3096}, {0x309D, 0x309F}, {0x1B001, 0x1B11E}, {0x1F200, 0x1F200}};
constexpr Range kHanRanges[] = {
    {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},   {0x3005, 0x3005},
    {0x3007, 0x3007},   {0x3021, 0x3029},   {0x3038, 0x303B},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},   {0x20000, 0x2A6DF},
    {0x2A700, 0x2EBEF}, {0x2F800, 0x2FA1F}, {0x30000, 0x3134F}};
constexpr Range kComplexContextRanges[] = {
    {0x0E01, 0x0E3A}, {0x0E40, 0x0E4E}, {0x0E81, 0x0ECF}, {0x0EDC, 0x0EDF},
    {0x1000, 0x103F}, {0x1050, 0x108F}, {0x109A, 0x109F}, {0x1780, 0x17D3},
    {0x17D7, 0x17D7}, {0x17DC, 0x17DD}, {0x1950, 0x196D}, {0x1970, 0x1974},
    {0x1980, 0x19AB}, {0x19B0, 0x19C9}, {0x19DA, 0x19DA}, {0x19DE, 0x19DF},
    {0x1A20, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1AA0, 0x1AAD}, {0xA9E0, 0xA9EF},
    {0xA9FA, 0xA9FE}, {0xAA60, 0xAAC2}, {0xAADB, 0xAADF}, {0x11700, 0x1172B}};
constexpr Range kHebrewLetterRanges[] = {
    {0x05D0, 0x05EA}, {0x05EF, 0x05F2}, {0xFB1D, 0xFB1D}, {0xFB1F, 0xFB28},
    {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41},
    {0xFB43, 0xFB44}, {0xFB46, 0xFB4F}};
// Characters that are ALetter without being letters (modifier symbols, circled letters).
constexpr Range kALetterExtraRanges[] = {
    {0x02C2, 0x02C5}, {0x02D2, 0x02D7}, {0x02DE, 0x02DF}, {0x02E5, 0x02EB},
    {0x02ED, 0x02ED}, {0x02EF, 0x02FF}, {0x055A, 0x055C}, {0x055E, 0x055E},
    {0x058A, 0x058A}, {0x05F3, 0x05F3}, {0x24B6, 0x24E9}, {0xA708, 0xA716},
    {0xA720, 0xA721}, {0xA789, 0xA78A}, {0xAB5B, 0xAB5B}};
constexpr Range kMidLetterRanges[] = {
    {0x003A, 0x003A}, {0x00B7, 0x00B7}, {0x0387, 0x0387}, {0x05F4, 0x05F4},
    {0x2027, 0x2027}, {0xFE13, 0xFE13}, {0xFE55, 0xFE55}, {0xFF1A, 0xFF1A}};
constexpr Range kMidNumLetRanges[] = {
    {0x002E, 0x002E}, {0x2018, 0x2019}, {0x2024, 0x2024}, {0xFE52, 0xFE52},
    {0xFF07, 0xFF07}, {0xFF0E, 0xFF0E}};
constexpr Range kMidNumRanges[] = {
    {0x002C, 0x002C}, {0x003B, 0x003B}, {0x037E, 0x037E}, {0x0589, 0x0589},
    {0x060C, 0x060D}, {0x066C, 0x066C}, {0x07F8, 0x07F8}, {0x2044, 0x2044},
    {0xFE10, 0xFE10}, {0xFE14, 0xFE14}, {0xFE50, 0xFE50}, {0xFE54, 0xFE54},
    {0xFF0C, 0xFF0C}, {0xFF1B, 0xFF1B}};
constexpr Range kExtendNumLetRanges[] = {
    {0x005F, 0x005F}, {0x202F, 0x202F}, {0x203F, 0x2040}, {0x2054, 0x2054},
    {0xFE33, 0xFE34}, {0xFE4D, 0xFE4F}, {0xFF3F, 0xFF3F}};

Wb classify(char32_t c, const utf8proc_property_t* p) {
  if (c == 0x27) return Wb::kSingleQuote;
  if (c == 0x22) return Wb::kDoubleQuote;
  if (c == 0x200D) return Wb::kZwj;
  if (c >= 0x1F3FB && c <= 0x1F3FF) return Wb::kEmojiModifier;
  if (c >= 0x1F1E6 && c <= 0x1F1FF) return Wb::kRegionalIndicator;
  if (in_ranges(kMidNumLetRanges, c)) return Wb::kMidNumLet;
  if (in_ranges(kMidLetterRanges, c)) return Wb::kMidLetter;
  if (in_ranges(kMidNumRanges, c)) return Wb::kMidNum;
  if (in_ranges(kExtendNumLetRanges, c)) return Wb::kExtendNumLet;
  if (in_ranges(kComplexContextRanges, c)) return Wb::kComplexContext;
  if (in_ranges(kKatakanaRanges, c)) return Wb::kKatakana;
  if (in_ranges(kHiraganaRanges, c)) return Wb::kHiragana;
  if (in_ranges(kHanRanges, c)) return Wb::kHan;
  if (in_ranges(kHebrewLetterRanges, c)) return Wb::kHebrewLetter;
  switch (p->category) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_MC:
      return Wb::kExtend;
    case UTF8PROC_CATEGORY_CF:
      // Format, except ZERO WIDTH SPACE which UAX #29 leaves as Other.
      return c == 0x200B ? Wb::kOther : Wb::kExtend;
    case UTF8PROC_CATEGORY_ND:
      return Wb::kNumeric;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
      // Grapheme extenders that are letters (halfwidth sound marks) stay Extend.
      return p->boundclass == UTF8PROC_BOUNDCLASS_EXTEND ? Wb::kExtend : Wb::kALetter;
    default:
      break;
  }
  if (in_ranges(kALetterExtraRanges, c)) return Wb::kALetter;
  if (p->boundclass == UTF8PROC_BOUNDCLASS_EXTEND) return Wb::kExtend;
  return Wb::kOther;
}

// One decoded code point.
struct Cp {
  char32_t c = 0;
  std::size_t byte = 0;   // offset of its first byte
  std::size_t u16 = 0;    // UTF-16 code units before it (for the token length limit)
  Wb wb = Wb::kOther;
  bool pictographic = false;  // Extended_Pictographic (emoji)
};

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) { decode(); }

  void run(const std::function<void(const WordSpan&)>& emit) {
    std::size_t i = 0;
    const std::size_t n = cps_.size() - 1;  // the last entry is a sentinel
    while (i < n) {
      const std::size_t end = std::max({word(i), emoji(i), complex_context(i), single(i)});
      if (end > i) {
        emit(WordSpan{cps_[i].byte, cps_[end].byte});
        i = end;
      } else {
        ++i;  // UAX #29 WB999: anything else is a separator of its own
      }
    }
  }

 private:
  void decode() {
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text_.data());
    std::size_t pos = 0;
    std::size_t u16 = 0;
    cps_.reserve(text_.size() + 1);
    while (pos < text_.size()) {
      utf8proc_int32_t c = 0;
      const auto len = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text_.size() - pos), &c);
      Cp cp;
      cp.byte = pos;
      cp.u16 = u16;
      if (len <= 0) {
        pos += 1;
        u16 += 1;
      } else {
        cp.c = static_cast<char32_t>(c);
        if (c < 0x80) {
          cp.wb = ascii_class(cp.c);
        } else {
          const utf8proc_property_t* p = utf8proc_get_property(c);
          cp.wb = classify(cp.c, p);
          cp.pictographic = p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
                            p->boundclass == UTF8PROC_BOUNDCLASS_E_BASE ||
                            p->boundclass == UTF8PROC_BOUNDCLASS_E_BASE_GAZ ||
                            p->boundclass == UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ;
        }
        pos += static_cast<std::size_t>(len);
        u16 += c >= 0x10000 ? 2 : 1;
      }
      cps_.push_back(cp);
    }
    Cp sentinel;
    sentinel.byte = text_.size();
    sentinel.u16 = u16;
    cps_.push_back(sentinel);
  }

  static Wb ascii_class(char32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Wb::kALetter;
    if (c >= '0' && c <= '9') return Wb::kNumeric;
    switch (c) {
      case '\'': return Wb::kSingleQuote;
      case '"': return Wb::kDoubleQuote;
      case '.': return Wb::kMidNumLet;
      case ':': return Wb::kMidLetter;
      case ',':
      case ';': return Wb::kMidNum;
      case '_': return Wb::kExtendNumLet;
      default: return Wb::kOther;
    }
  }

  std::size_t size() const { return cps_.size() - 1; }
  Wb wb(std::size_t j) const { return cps_[j].wb; }
  bool is_ext(std::size_t j) const { return wb(j) == Wb::kExtend || wb(j) == Wb::kZwj; }

  // True when the code points [start, end) fit the maximum token length.
  bool fits(std::size_t start, std::size_t end) const {
    return cps_[end].u16 - cps_[start].u16 <= kMaxTokenUtf16;
  }

  // End of the unit whose base is at j: WB4 attaches Extend, Format and ZWJ to it.
  std::size_t unit_end(std::size_t start, std::size_t j) const {
    std::size_t e = j + 1;
    while (e < size() && is_ext(e) && fits(start, e + 1)) ++e;
    return e;
  }

  // Letters, digits, katakana and their joiners (WB5-WB13b): the ALPHANUM/NUM rules.
  std::size_t word(std::size_t s) const {
    enum class Prev { kNone, kJoiner, kLetter, kHebrew, kNumeric, kKatakana, kHebrewQuote };
    Prev prev = Prev::kNone;
    bool have_segment = false;
    std::size_t accepted = s;
    std::size_t j = s;
    const auto letter_like = [](Prev p) { return p == Prev::kLetter || p == Prev::kHebrew; };
    while (j < size() && fits(s, j + 1)) {
      const Wb w = wb(j);
      if (w == Wb::kExtendNumLet) {
        j = unit_end(s, j);
        prev = Prev::kJoiner;
        if (have_segment) accepted = j;
        continue;
      }
      if (w == Wb::kALetter || w == Wb::kHebrewLetter || w == Wb::kNumeric) {
        // Katakana and letters join only through ExtendNumLet (WB13a/b).
        if (prev == Prev::kKatakana) break;
        j = unit_end(s, j);
        prev = w == Wb::kNumeric ? Prev::kNumeric
               : w == Wb::kHebrewLetter ? Prev::kHebrew : Prev::kLetter;
        have_segment = true;
        accepted = j;
        continue;
      }
      if (w == Wb::kKatakana) {
        if (prev != Prev::kNone && prev != Prev::kJoiner && prev != Prev::kKatakana) break;
        j = unit_end(s, j);
        prev = Prev::kKatakana;
        have_segment = true;
        accepted = j;
        continue;
      }
      const bool mid_letter = w == Wb::kMidLetter || w == Wb::kMidNumLet || w == Wb::kSingleQuote;
      const bool mid_num = w == Wb::kMidNum || w == Wb::kMidNumLet || w == Wb::kSingleQuote;
      if (!mid_letter && !mid_num && w != Wb::kDoubleQuote) break;
      const std::size_t k = unit_end(s, j);  // the character after the joiner
      if (k < size() && fits(s, k + 1)) {
        const Wb next = wb(k);
        const bool next_letter = next == Wb::kALetter || next == Wb::kHebrewLetter;
        // WB6/WB7: letter (MidLetter | MidNumLet | ') letter.
        // WB11/WB12: digit (MidNum | MidNumLet | ') digit.
        // WB7b/WB7c: Hebrew letter " Hebrew letter.
        if ((letter_like(prev) && mid_letter && next_letter) ||
            (prev == Prev::kNumeric && mid_num && next == Wb::kNumeric) ||
            (prev == Prev::kHebrew && w == Wb::kDoubleQuote && next == Wb::kHebrewLetter)) {
          j = unit_end(s, k);
          prev = next == Wb::kNumeric ? Prev::kNumeric
                 : next == Wb::kHebrewLetter ? Prev::kHebrew : Prev::kLetter;
          accepted = j;
          continue;
        }
      }
      // WB7a: a Hebrew letter keeps a following apostrophe.
      if (prev == Prev::kHebrew && w == Wb::kSingleQuote) {
        j = k;
        prev = Prev::kHebrewQuote;
        accepted = j;
        continue;
      }
      break;
    }
    return accepted;
  }

  // Skips Extend, Format and ZWJ except the text/emoji presentation selectors.
  std::size_t skip_ext_sans_selectors(std::size_t start, std::size_t j) const {
    while (j < size() && is_ext(j) && cps_[j].c != 0xFE0E && cps_[j].c != 0xFE0F &&
           fits(start, j + 1)) {
      ++j;
    }
    return j;
  }

  // One emoji, presentation or modifier sequence (UTS #51), possibly after ZWJs.
  std::size_t emoji_element(std::size_t start, std::size_t j) const {
    std::size_t k = j;
    while (k < size() && wb(k) == Wb::kZwj) ++k;
    if (k < size() && cps_[k].pictographic) {
      k = skip_ext_sans_selectors(start, k + 1);
      if (k < size() && cps_[k].c == 0xFE0F) ++k;
      if (k < size() && wb(k) == Wb::kEmojiModifier) k = skip_ext_sans_selectors(start, k + 1);
      return k;
    }
    if (k < size() && wb(k) == Wb::kEmojiModifier) return skip_ext_sans_selectors(start, k + 1);
    return j;
  }

  // Emoji sequences joined by ZWJ, keycaps and flag pairs (the EMOJI rule).
  std::size_t emoji(std::size_t s) const {
    std::size_t best = s;
    const char32_t c = cps_[s].c;
    if ((c >= '0' && c <= '9') || c == '#' || c == '*') {
      std::size_t k = skip_ext_sans_selectors(s, s + 1);
      if (k < size() && cps_[k].c == 0xFE0F) ++k;
      if (k < size() && cps_[k].c == 0x20E3) best = std::max(best, skip_ext_sans_selectors(s, k + 1));
    }
    if (wb(s) == Wb::kRegionalIndicator) {
      std::size_t k = s + 1;
      while (k < size() && is_ext(k)) ++k;
      if (k < size() && wb(k) == Wb::kRegionalIndicator) {
        ++k;
        while (k < size() && is_ext(k)) ++k;
        best = std::max(best, k);
      }
    }
    std::size_t e = emoji_element(s, s);
    if (e > s) {
      while (e < size() && fits(s, e)) {
        std::size_t t = e;
        if (wb(e - 1) != Wb::kZwj) {
          if (wb(t) != Wb::kZwj) break;
          ++t;
        }
        const std::size_t e2 = emoji_element(s, t);
        if (e2 == t) break;
        e = e2;
      }
      best = std::max(best, e);
    }
    return best;
  }

  // A run of South-East Asian letters (Thai, Lao, Myanmar, Khmer) stays one token.
  std::size_t complex_context(std::size_t s) const {
    std::size_t j = s;
    while (j < size() && wb(j) == Wb::kComplexContext && fits(s, j + 1)) j = unit_end(s, j);
    return j;
  }

  // One ideograph or one hiragana, with its extenders.
  std::size_t single(std::size_t s) const {
    if (wb(s) == Wb::kHan || wb(s) == Wb::kHiragana) return unit_end(s, s);
    return s;
  }

  std::string_view text_;
  std::vector<Cp> cps_;
};

}  // namespace

void standard_tokenize(std::string_view text, const std::function<void(const WordSpan&)>& emit) {
  if (text.empty()) return;
  Scanner(text).run(emit);
}

std::vector<WordSpan> standard_tokenize(std::string_view text) {
  std::vector<WordSpan> out;
  standard_tokenize(text, [&out](const WordSpan& w) { out.push_back(w); });
  return out;
}

}  // namespace molt::index
