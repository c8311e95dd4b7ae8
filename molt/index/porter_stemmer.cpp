#include "molt/index/porter_stemmer.h"

#include <utf8proc.h>

#include <cstdint>
#include <vector>

namespace molt::index {
namespace {

// The stemmer's state over a buffer of UTF-16 code units, following Porter's reference C
// implementation step for step (its names: k = last index of the word, j = end of the stem
// a suffix test leaves behind, k0 = 0).
class Stemmer {
 public:
  explicit Stemmer(std::u16string& b) : b_(b), k_(static_cast<int>(b.size()) - 1) {}

  // Returns the new length of the word.
  int stem() {
    if (k_ > 1) {  // words of length <= 2 are left alone
      step1ab();
      step1c();
      step2();
      step3();
      step4();
      step5();
    }
    return k_ + 1;
  }

 private:
  bool cons(int i) const {
    switch (b_[static_cast<std::size_t>(i)]) {
      case u'a':
      case u'e':
      case u'i':
      case u'o':
      case u'u':
        return false;
      case u'y':
        return i == 0 ? true : !cons(i - 1);
      default:
        return true;
    }
  }

  // The number of vowel-consonant sequences in b[0..j].
  int m() const {
    int n = 0;
    int i = 0;
    while (true) {
      if (i > j_) return n;
      if (!cons(i)) break;
      ++i;
    }
    ++i;
    while (true) {
      while (true) {
        if (i > j_) return n;
        if (cons(i)) break;
        ++i;
      }
      ++i;
      ++n;
      while (true) {
        if (i > j_) return n;
        if (!cons(i)) break;
        ++i;
      }
      ++i;
    }
  }

  bool vowel_in_stem() const {
    for (int i = 0; i <= j_; ++i) {
      if (!cons(i)) return true;
    }
    return false;
  }

  bool double_consonant(int j) const {
    if (j < 1) return false;
    if (b_[static_cast<std::size_t>(j)] != b_[static_cast<std::size_t>(j - 1)]) return false;
    return cons(j);
  }

  // consonant-vowel-consonant ending at i, the last consonant not w, x or y.
  bool cvc(int i) const {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    const char16_t ch = b_[static_cast<std::size_t>(i)];
    return ch != u'w' && ch != u'x' && ch != u'y';
  }

  bool ends(std::u16string_view s) {
    const int l = static_cast<int>(s.size());
    const int o = k_ - l + 1;
    if (o < 0) return false;
    for (int i = 0; i < l; ++i) {
      if (b_[static_cast<std::size_t>(o + i)] != s[static_cast<std::size_t>(i)]) return false;
    }
    j_ = k_ - l;
    return true;
  }

  void set_to(std::u16string_view s) {
    const int l = static_cast<int>(s.size());
    const auto o = static_cast<std::size_t>(j_ + 1);
    if (b_.size() < o + s.size()) b_.resize(o + s.size());
    for (int i = 0; i < l; ++i) b_[o + static_cast<std::size_t>(i)] = s[static_cast<std::size_t>(i)];
    k_ = j_ + l;
  }

  void replace_if_measure(std::u16string_view s) {
    if (m() > 0) set_to(s);
  }

  char16_t at(int i) const { return b_[static_cast<std::size_t>(i)]; }

  // Plurals and -ed / -ing.
  void step1ab() {
    if (at(k_) == u's') {
      if (ends(u"sses")) {
        k_ -= 2;
      } else if (ends(u"ies")) {
        set_to(u"i");
      } else if (at(k_ - 1) != u's') {
        --k_;
      }
    }
    if (ends(u"eed")) {
      if (m() > 0) --k_;
    } else if ((ends(u"ed") || ends(u"ing")) && vowel_in_stem()) {
      k_ = j_;
      if (ends(u"at")) {
        set_to(u"ate");
      } else if (ends(u"bl")) {
        set_to(u"ble");
      } else if (ends(u"iz")) {
        set_to(u"ize");
      } else if (double_consonant(k_)) {
        const char16_t ch = at(k_--);
        if (ch == u'l' || ch == u's' || ch == u'z') ++k_;
      } else if (m() == 1 && cvc(k_)) {
        set_to(u"e");
      }
    }
  }

  // Terminal y to i when the stem has a vowel.
  void step1c() {
    if (ends(u"y") && vowel_in_stem()) b_[static_cast<std::size_t>(k_)] = u'i';
  }

  // Double suffixes to single ones (-ization -> -ize, ...), when m() > 0.
  void step2() {
    if (k_ == 0) return;
    switch (at(k_ - 1)) {
      case u'a':
        if (ends(u"ational")) { replace_if_measure(u"ate"); break; }
        if (ends(u"tional")) { replace_if_measure(u"tion"); break; }
        break;
      case u'c':
        if (ends(u"enci")) { replace_if_measure(u"ence"); break; }
        if (ends(u"anci")) { replace_if_measure(u"ance"); break; }
        break;
      case u'e':
        if (ends(u"izer")) { replace_if_measure(u"ize"); break; }
        break;
      case u'l':
        if (ends(u"bli")) { replace_if_measure(u"ble"); break; }
        if (ends(u"alli")) { replace_if_measure(u"al"); break; }
        if (ends(u"entli")) { replace_if_measure(u"ent"); break; }
        if (ends(u"eli")) { replace_if_measure(u"e"); break; }
        if (ends(u"ousli")) { replace_if_measure(u"ous"); break; }
        break;
      case u'o':
        if (ends(u"ization")) { replace_if_measure(u"ize"); break; }
        if (ends(u"ation")) { replace_if_measure(u"ate"); break; }
        if (ends(u"ator")) { replace_if_measure(u"ate"); break; }
        break;
      case u's':
        if (ends(u"alism")) { replace_if_measure(u"al"); break; }
        if (ends(u"iveness")) { replace_if_measure(u"ive"); break; }
        if (ends(u"fulness")) { replace_if_measure(u"ful"); break; }
        if (ends(u"ousness")) { replace_if_measure(u"ous"); break; }
        break;
      case u't':
        if (ends(u"aliti")) { replace_if_measure(u"al"); break; }
        if (ends(u"iviti")) { replace_if_measure(u"ive"); break; }
        if (ends(u"biliti")) { replace_if_measure(u"ble"); break; }
        break;
      case u'g':
        if (ends(u"logi")) { replace_if_measure(u"log"); break; }
        break;
      default:
        break;
    }
  }

  // -ic-, -full, -ness etc.
  void step3() {
    switch (at(k_)) {
      case u'e':
        if (ends(u"icate")) { replace_if_measure(u"ic"); break; }
        if (ends(u"ative")) { replace_if_measure(u""); break; }
        if (ends(u"alize")) { replace_if_measure(u"al"); break; }
        break;
      case u'i':
        if (ends(u"iciti")) { replace_if_measure(u"ic"); break; }
        break;
      case u'l':
        if (ends(u"ical")) { replace_if_measure(u"ic"); break; }
        if (ends(u"ful")) { replace_if_measure(u""); break; }
        break;
      case u's':
        if (ends(u"ness")) { replace_if_measure(u""); break; }
        break;
      default:
        break;
    }
  }

  // -ant, -ence etc. in context <c>vcvc<v>.
  void step4() {
    if (k_ == 0) return;
    switch (at(k_ - 1)) {
      case u'a':
        if (ends(u"al")) break;
        return;
      case u'c':
        if (ends(u"ance")) break;
        if (ends(u"ence")) break;
        return;
      case u'e':
        if (ends(u"er")) break;
        return;
      case u'i':
        if (ends(u"ic")) break;
        return;
      case u'l':
        if (ends(u"able")) break;
        if (ends(u"ible")) break;
        return;
      case u'n':
        if (ends(u"ant")) break;
        if (ends(u"ement")) break;
        if (ends(u"ment")) break;
        if (ends(u"ent")) break;
        return;
      case u'o':
        if (ends(u"ion") && j_ >= 0 && (at(j_) == u's' || at(j_) == u't')) break;
        if (ends(u"ou")) break;
        return;
      case u's':
        if (ends(u"ism")) break;
        return;
      case u't':
        if (ends(u"ate")) break;
        if (ends(u"iti")) break;
        return;
      case u'u':
        if (ends(u"ous")) break;
        return;
      case u'v':
        if (ends(u"ive")) break;
        return;
      case u'z':
        if (ends(u"ize")) break;
        return;
      default:
        return;
    }
    if (m() > 1) k_ = j_;
  }

  // A final -e when m() > 1 (or m() == 1 and not *o), and -ll to -l when m() > 1.
  void step5() {
    j_ = k_;
    if (at(k_) == u'e') {
      const int a = m();
      if (a > 1 || (a == 1 && !cvc(k_ - 1))) --k_;
    }
    if (at(k_) == u'l' && double_consonant(k_) && m() > 1) --k_;
  }

  std::u16string& b_;
  int k_;
  int j_ = 0;
};

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

}  // namespace

std::string porter_stem(std::string_view word) {
  // UTF-8 -> UTF-16 (invalid bytes become U+FFFD, which the stemmer treats as a consonant).
  std::u16string b;
  b.reserve(word.size());
  bool ascii = true;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
  std::size_t pos = 0;
  while (pos < word.size()) {
    utf8proc_int32_t c = 0;
    const auto len = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(word.size() - pos), &c);
    if (len <= 0) {
      c = 0xFFFD;
      pos += 1;
    } else {
      pos += static_cast<std::size_t>(len);
    }
    if (c >= 0x80) ascii = false;
    if (c >= 0x10000) {
      const auto v = static_cast<std::uint32_t>(c) - 0x10000u;
      b.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      b.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      b.push_back(static_cast<char16_t>(c));
    }
  }
  if (b.empty()) return std::string(word);
  Stemmer stemmer(b);
  const auto n = static_cast<std::size_t>(stemmer.stem());
  std::string out;
  out.reserve(n);
  if (ascii) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(b[i]));
    return out;
  }
  // The stemmer only removes or writes ASCII letters, so surrogate pairs stay whole.
  for (std::size_t i = 0; i < n; ++i) {
    const char16_t u = b[i];
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < n) {
      const char32_t c = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) +
                         (static_cast<char32_t>(b[i + 1]) - 0xDC00);
      append_utf8(out, c);
      ++i;
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

}  // namespace molt::index
