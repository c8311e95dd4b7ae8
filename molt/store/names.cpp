#include "molt/store/names.h"

#include <cstdint>
#include <string>

#include "molt/base/error.h"

namespace molt::store {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The id as it can be shown in one line of an error message.
std::string printable(std::string_view id) {
  std::string out;
  for (const char c : id.substr(0, 80)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  if (id.size() > 80) out += "...";
  return out;
}

}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || !is_alnum(name.front()) || name.back() == '.') {
    return false;
  }
  for (const char c : name) {
    if (!is_alnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

void validate_name(std::string_view what, std::string_view name) {
  if (is_valid_name(name)) return;
  throw usage_error("invalid " + std::string(what) + " name '" + printable(name) +
                        "': use 1-128 characters from A-Z a-z 0-9 _ - . starting with a letter or "
                        "digit and not ending with '.'",
                    {.field = std::string(what)});
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > text.size()) return false;
    for (std::size_t j = 1; j < n; ++j) {
      const auto cc = static_cast<unsigned char>(text[i + j]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n;
  }
  return true;
}

void validate_document_id(std::string_view id) {
  if (id.empty()) throw input_error("empty document id", {.field = "id"});
  if (id.size() > kMaxDocumentIdBytes) {
    throw input_error("document id longer than " + std::to_string(kMaxDocumentIdBytes) + " bytes",
                      {.row = printable(id), .field = "id"});
  }
  if (id.find('\0') != std::string_view::npos || !is_valid_utf8(id)) {
    throw input_error("document id is not valid UTF-8 text", {.row = printable(id), .field = "id"});
  }
}

}  // namespace molt::store
