// Python's str.lower() and str.strip() on UTF-8 text. sentence-transformers applies .strip()
// to every text, and .lower() when sentence_bert_config.json has do_lower_case, before the
// tokenizer sees it; molt reproduces both exactly (Python 3.11, Unicode 14.0).
#pragma once

#include <string>
#include <string_view>

namespace molt::tokenizer {

// str.lower(): the full lower-case mapping ('İ' → "i\u0307"), with the Final_Sigma rule
// (Σ → ς at the end of a word). Ill-formed UTF-8 becomes U+FFFD first.
std::string python_lower(std::string_view utf8);

// str.strip() with no argument: removes str.isspace() code points at both ends. Bytes in
// between are kept as they are.
std::string python_strip(std::string_view utf8);

}  // namespace molt::tokenizer
