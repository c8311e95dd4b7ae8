// Names users give to collections, aliases and spaces, and the ids of documents. Names are
// used in file names and SQL table comments, so they are a safe, portable alphabet with no
// path tricks; document ids are opaque strings, only bounded.
#pragma once

#include <cstddef>
#include <string_view>

namespace molt::store {

inline constexpr std::size_t kMaxNameBytes = 128;
inline constexpr std::size_t kMaxDocumentIdBytes = 1024;

// A collection, alias or space name: 1-128 characters from [A-Za-z0-9_.-], starting with a
// letter or digit (so never ".", "..", a hidden file or an option), and not ending with '.'.
// Throws usage_error naming `what` ("collection", "alias", "space") and the name.
void validate_name(std::string_view what, std::string_view name);
bool is_valid_name(std::string_view name);

// A document id: 1-1024 bytes of valid UTF-8 without NUL. Throws input_error naming the
// id (escaped) as the row.
void validate_document_id(std::string_view id);

// Whether `text` is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace molt::store
