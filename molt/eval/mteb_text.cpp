#include "molt/eval/mteb_text.h"

#include <utf8proc.h>

namespace molt::eval {
namespace {

// Python's str.isspace(): bidirectional class WS, B or S, or category Zs.
bool is_python_space(utf8proc_int32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// Length in bytes of the code point starting at s[pos], and its value (-1 if invalid).
std::size_t decode(std::string_view s, std::size_t pos, utf8proc_int32_t& c) {
  const auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + pos,
                                    static_cast<utf8proc_ssize_t>(s.size() - pos), &c);
  if (len <= 0) {
    c = -1;
    return 1;
  }
  return static_cast<std::size_t>(len);
}

}  // namespace

std::string python_strip(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    utf8proc_int32_t c = 0;
    const std::size_t len = decode(s, begin, c);
    if (!is_python_space(c)) break;
    begin += len;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;  // the first byte of the last code point
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    utf8proc_int32_t c = 0;
    if (decode(s, start, c) != end - start || !is_python_space(c)) break;
    end = start;
  }
  return std::string(s.substr(begin, end - begin));
}

std::string document_text(const BeirDocument& doc) {
  if (!doc.has_title) return python_strip(doc.text);
  std::string joined;
  joined.reserve(doc.title.size() + 1 + doc.text.size());
  joined += doc.title;
  joined += ' ';
  joined += doc.text;
  return python_strip(joined);
}

std::string query_text(const BeirQuery& query) { return query.text; }

}  // namespace molt::eval
