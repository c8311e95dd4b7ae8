#include "molt/index/porter_stemmer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace molt::index {
namespace {

// The stemmer's state over a buffer of UTF-16 code units (or of bytes, for an ASCII word,
// where both are the same), following Porter's reference C implementation step for step (its
// names: k = last index of the word, j = end of the stem a suffix test leaves behind, k0 = 0).
// Replacements never make the word longer than it was, so the buffer never grows.
template <typename Char>
class Stemmer {
 public:
  Stemmer(Char* b, int n) : b_(b), k_(n - 1) {}

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
    switch (b_[i]) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        return false;
      case 'y':
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
    if (b_[j] != b_[j - 1]) return false;
    return cons(j);
  }

  // consonant-vowel-consonant ending at i, the last consonant not w, x or y.
  bool cvc(int i) const {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    const Char ch = b_[i];
    return ch != 'w' && ch != 'x' && ch != 'y';
  }

  bool ends(std::string_view s) {
    const int l = static_cast<int>(s.size());
    const int o = k_ - l + 1;
    if (o < 0) return false;
    for (int i = 0; i < l; ++i) {
      if (b_[o + i] != static_cast<Char>(s[static_cast<std::size_t>(i)])) return false;
    }
    j_ = k_ - l;
    return true;
  }

  void set_to(std::string_view s) {
    const int l = static_cast<int>(s.size());
    for (int i = 0; i < l; ++i) b_[j_ + 1 + i] = static_cast<Char>(s[static_cast<std::size_t>(i)]);
    k_ = j_ + l;
  }

  void replace_if_measure(std::string_view s) {
    if (m() > 0) set_to(s);
  }

  Char at(int i) const { return b_[i]; }

  // Plurals and -ed / -ing.
  void step1ab() {
    if (at(k_) == 's') {
      if (ends("sses")) {
        k_ -= 2;
      } else if (ends("ies")) {
        set_to("i");
      } else if (at(k_ - 1) != 's') {
        --k_;
      }
    }
    if (ends("eed")) {
      if (m() > 0) --k_;
    } else if ((ends("ed") || ends("ing")) && vowel_in_stem()) {
      k_ = j_;
      if (ends("at")) {
        set_to("ate");
      } else if (ends("bl")) {
        set_to("ble");
      } else if (ends("iz")) {
        set_to("ize");
      } else if (double_consonant(k_)) {
        const char16_t ch = at(k_--);
        if (ch == 'l' || ch == 's' || ch == 'z') ++k_;
      } else if (m() == 1 && cvc(k_)) {
        set_to("e");
      }
    }
  }

  // Terminal y to i when the stem has a vowel.
  void step1c() {
    if (ends("y") && vowel_in_stem()) b_[k_] = 'i';
  }

  // Double suffixes to single ones (-ization -> -ize, ...), when m() > 0.
  void step2() {
    if (k_ == 0) return;
    switch (at(k_ - 1)) {
      case 'a':
        if (ends("ational")) { replace_if_measure("ate"); break; }
        if (ends("tional")) { replace_if_measure("tion"); break; }
        break;
      case 'c':
        if (ends("enci")) { replace_if_measure("ence"); break; }
        if (ends("anci")) { replace_if_measure("ance"); break; }
        break;
      case 'e':
        if (ends("izer")) { replace_if_measure("ize"); break; }
        break;
      case 'l':
        if (ends("bli")) { replace_if_measure("ble"); break; }
        if (ends("alli")) { replace_if_measure("al"); break; }
        if (ends("entli")) { replace_if_measure("ent"); break; }
        if (ends("eli")) { replace_if_measure("e"); break; }
        if (ends("ousli")) { replace_if_measure("ous"); break; }
        break;
      case 'o':
        if (ends("ization")) { replace_if_measure("ize"); break; }
        if (ends("ation")) { replace_if_measure("ate"); break; }
        if (ends("ator")) { replace_if_measure("ate"); break; }
        break;
      case 's':
        if (ends("alism")) { replace_if_measure("al"); break; }
        if (ends("iveness")) { replace_if_measure("ive"); break; }
        if (ends("fulness")) { replace_if_measure("ful"); break; }
        if (ends("ousness")) { replace_if_measure("ous"); break; }
        break;
      case 't':
        if (ends("aliti")) { replace_if_measure("al"); break; }
        if (ends("iviti")) { replace_if_measure("ive"); break; }
        if (ends("biliti")) { replace_if_measure("ble"); break; }
        break;
      case 'g':
        if (ends("logi")) { replace_if_measure("log"); break; }
        break;
      default:
        break;
    }
  }

  // -ic-, -full, -ness etc.
  void step3() {
    switch (at(k_)) {
      case 'e':
        if (ends("icate")) { replace_if_measure("ic"); break; }
        if (ends("ative")) { replace_if_measure(""); break; }
        if (ends("alize")) { replace_if_measure("al"); break; }
        break;
      case 'i':
        if (ends("iciti")) { replace_if_measure("ic"); break; }
        break;
      case 'l':
        if (ends("ical")) { replace_if_measure("ic"); break; }
        if (ends("ful")) { replace_if_measure(""); break; }
        break;
      case 's':
        if (ends("ness")) { replace_if_measure(""); break; }
        break;
      default:
        break;
    }
  }

  // -ant, -ence etc. in context <c>vcvc<v>.
  void step4() {
    if (k_ == 0) return;
    switch (at(k_ - 1)) {
      case 'a':
        if (ends("al")) break;
        return;
      case 'c':
        if (ends("ance")) break;
        if (ends("ence")) break;
        return;
      case 'e':
        if (ends("er")) break;
        return;
      case 'i':
        if (ends("ic")) break;
        return;
      case 'l':
        if (ends("able")) break;
        if (ends("ible")) break;
        return;
      case 'n':
        if (ends("ant")) break;
        if (ends("ement")) break;
        if (ends("ment")) break;
        if (ends("ent")) break;
        return;
      case 'o':
        if (ends("ion") && j_ >= 0 && (at(j_) == 's' || at(j_) == 't')) break;
        if (ends("ou")) break;
        return;
      case 's':
        if (ends("ism")) break;
        return;
      case 't':
        if (ends("ate")) break;
        if (ends("iti")) break;
        return;
      case 'u':
        if (ends("ous")) break;
        return;
      case 'v':
        if (ends("ive")) break;
        return;
      case 'z':
        if (ends("ize")) break;
        return;
      default:
        return;
    }
    if (m() > 1) k_ = j_;
  }

  // A final -e when m() > 1 (or m() == 1 and not *o), and -ll to -l when m() > 1.
  void step5() {
    j_ = k_;
    if (at(k_) == 'e') {
      const int a = m();
      if (a > 1 || (a == 1 && !cvc(k_ - 1))) --k_;
    }
    if (at(k_) == 'l' && double_consonant(k_) && m() > 1) --k_;
  }

  Char* b_;
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
  if (word.empty()) return {};
  const bool ascii = std::all_of(word.begin(), word.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    std::string out(word);
    const int n = Stemmer<char>(out.data(), static_cast<int>(out.size())).stem();
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
  // UTF-8 -> UTF-16 (invalid bytes become U+FFFD, which the stemmer treats as a consonant).
  std::u16string b;
  b.reserve(word.size());
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
    if (c >= 0x10000) {
      const auto v = static_cast<std::uint32_t>(c) - 0x10000u;
      b.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      b.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      b.push_back(static_cast<char16_t>(c));
    }
  }
  const auto n = static_cast<std::size_t>(Stemmer<char16_t>(b.data(), static_cast<int>(b.size())).stem());
  // The stemmer only removes or writes ASCII letters, so surrogate pairs stay whole.
  std::string out;
  out.reserve(word.size());
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
