#include "molt/tokenizer/unicode.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <utf8proc.h>

namespace molt::tokenizer::unicode {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// The code points Unicode 15.0 assigned (DerivedAge 15.0): unassigned ("Cn", no mapping, no
// decomposition, combining class 0) in Python 3.11's Unicode 14.0 tables.
constexpr Range kAssignedInUnicode15[] = {
    {0x0CF3, 0x0CF3},   {0x0ECE, 0x0ECE},   {0x10EFD, 0x10EFF}, {0x1123F, 0x11241},
    {0x11B00, 0x11B09}, {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F59},
    {0x1342F, 0x1342F}, {0x13439, 0x13455}, {0x1B132, 0x1B132}, {0x1B155, 0x1B155},
    {0x1D2C0, 0x1D2D3}, {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F},
    {0x1E4D0, 0x1E4F9}, {0x1F6DC, 0x1F6DC}, {0x1F774, 0x1F776}, {0x1F77B, 0x1F77F},
    {0x1F7D9, 0x1F7D9}, {0x1FA75, 0x1FA77}, {0x1FA87, 0x1FA88}, {0x1FAAD, 0x1FAAF},
    {0x1FABB, 0x1FABD}, {0x1FABF, 0x1FABF}, {0x1FACE, 0x1FACF}, {0x1FADA, 0x1FADB},
    {0x1FAE8, 0x1FAE8}, {0x1FAF7, 0x1FAF8}, {0x2B739, 0x2B739}, {0x31350, 0x323AF},
};

// Cased code points outside Lu/Ll/Lt (Other_Lowercase / Other_Uppercase that are not also
// case-ignorable): ª º, Roman numerals, circled and squared Latin letters.
constexpr Range kOtherCased[] = {
    {0x00AA, 0x00AA},   {0x00BA, 0x00BA},   {0x2160, 0x217F},   {0x24B6, 0x24E9},
    {0x1F130, 0x1F149}, {0x1F150, 0x1F169}, {0x1F170, 0x1F189},
};

// Case_Ignorable code points outside Mn/Me/Cf/Lm/Sk: Word_Break MidLetter, MidNumLet and
// Single_Quote.
constexpr char32_t kWordBreakIgnorable[] = {
    0x0027, 0x002E, 0x003A, 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019,
    0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A,
};

template <std::size_t N>
bool in_ranges(const Range (&ranges)[N], char32_t cp) {
  const auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                   [](char32_t c, const Range& r) { return c < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

bool is_unicode15_addition(char32_t cp) {
  return cp >= 0x0CF3 && in_ranges(kAssignedInUnicode15, cp);
}

int combining_class(char32_t cp) {
  if (cp < 0x300 || is_unicode15_addition(cp)) return 0;
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->combining_class;
}

// Canonical ordering (Unicode §3.11) of out[begin, end): a stable sort of each run of
// non-starters by combining class.
void reorder(std::u32string& out, std::size_t begin) {
  std::size_t i = begin;
  while (i < out.size()) {
    if (combining_class(out[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < out.size() && combining_class(out[j]) != 0) ++j;
    if (j - i > 1) {
      std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(j),
                       [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    }
    i = j;
  }
}

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

}  // namespace

std::size_t decode_utf8(std::string_view s, std::size_t pos, char32_t& cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const std::size_t left = s.size() - pos;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  // Table 3-7 of the Unicode standard: the lead byte fixes the length and the range of
  // the second byte; later bytes are 80..BF.
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t value = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    value = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    value = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    cp = kReplacementChar;
    return 1;
  }
  for (std::size_t i = 1; i < need; ++i) {
    if (i >= left) {
      cp = kReplacementChar;
      return i;
    }
    const unsigned char b = p[i];
    const bool ok = i == 1 ? (b >= lo && b <= hi) : is_continuation(b);
    if (!ok) {
      cp = kReplacementChar;
      return i;
    }
    value = (value << 6) | (b & 0x3F);
  }
  cp = value;
  return need;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::u32string decode_all(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t cp = 0;
    pos += decode_utf8(s, pos, cp);
    out.push_back(cp);
  }
  return out;
}

std::string encode_all(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char32_t cp : s) append_utf8(out, cp);
  return out;
}

Category category(char32_t cp) {
  if (cp > 0x10FFFF || is_unicode15_addition(cp)) return Category::kCn;
  return static_cast<Category>(utf8proc_category(static_cast<utf8proc_int32_t>(cp)));
}

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_cased(char32_t cp) {
  const Category c = category(cp);
  return c == Category::kLu || c == Category::kLl || c == Category::kLt || in_ranges(kOtherCased, cp);
}

bool is_case_ignorable(char32_t cp) {
  const Category c = category(cp);
  if (c == Category::kMn || c == Category::kMe || c == Category::kCf || c == Category::kLm ||
      c == Category::kSk) {
    return true;
  }
  return std::find(std::begin(kWordBreakIgnorable), std::end(kWordBreakIgnorable), cp) !=
         std::end(kWordBreakIgnorable);
}

int lower_full(char32_t cp, char32_t out[2]) {
  if (cp < 0x80) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  if (cp == 0x130) {  // SpecialCasing.txt's one unconditional lower-case expansion
    out[0] = 'i';
    out[1] = 0x307;
    return 2;
  }
  if (cp > 0x10FFFF || is_unicode15_addition(cp)) {
    out[0] = cp;
    return 1;
  }
  out[0] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
  return 1;
}

void nfd_append(std::u32string_view in, std::u32string& out) {
  const std::size_t begin = out.size();
  for (const char32_t cp : in) {
    if (cp < kNfdStableBelow || cp > 0x10FFFF || is_unicode15_addition(cp)) {
      out.push_back(cp);
      continue;
    }
    utf8proc_int32_t buf[8];  // the longest canonical decomposition has 4 code points
    int boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8,
                                                       UTF8PROC_DECOMPOSE, &boundclass);
    if (n <= 0 || n > 8) {
      out.push_back(cp);
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i) out.push_back(static_cast<char32_t>(buf[i]));
  }
  reorder(out, begin);
}

void nfc_append(std::u32string_view in, std::u32string& out, std::vector<std::int32_t>& scratch) {
  const std::size_t begin = out.size();
  nfd_append(in, out);
  // Compose each stretch between Unicode 15.0 additions on its own: to Python those are
  // unassigned starters that nothing composes with.
  std::size_t w = begin;
  std::size_t r = begin;
  while (r < out.size()) {
    if (is_unicode15_addition(out[r])) {
      out[w++] = out[r++];
      continue;
    }
    std::size_t end = r;
    while (end < out.size() && !is_unicode15_addition(out[end])) ++end;
    scratch.resize(end - r);
    for (std::size_t i = r; i < end; ++i) scratch[i - r] = static_cast<std::int32_t>(out[i]);
    const utf8proc_ssize_t n = utf8proc_normalize_utf32(
        scratch.data(), static_cast<utf8proc_ssize_t>(scratch.size()),
        static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    const std::size_t kept = n < 0 ? scratch.size() : static_cast<std::size_t>(n);
    for (std::size_t i = 0; i < kept; ++i) out[w++] = static_cast<char32_t>(scratch[i]);
    r = end;
  }
  out.resize(w);
}

}  // namespace molt::tokenizer::unicode
