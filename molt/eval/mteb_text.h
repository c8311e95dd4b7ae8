// The texts a retrieval evaluation embeds, assembled as MTEB assembles them for BEIR tasks:
//   document = (title + " " + text).strip()  when the document has a title field,
//              text.strip()                   otherwise;
//   query    = the query text as it is.
// strip() is Python's: it removes Unicode whitespace (str.isspace) at both ends. Prompts
// and truncation belong to the model (TextEmbedder), not to the text.
#pragma once

#include <string>
#include <string_view>

#include "molt/eval/beir_dataset.h"
#include "molt/tokenizer/python_text.h"

namespace molt::eval {

// Python's str.strip() with no argument, on UTF-8 text (sentence-transformers strips every
// text the same way, so the tokenizer module owns it).
using tokenizer::python_strip;

std::string document_text(const BeirDocument& doc);
std::string query_text(const BeirQuery& query);

}  // namespace molt::eval
