#include "molt/eval/mteb_text.h"

namespace molt::eval {

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
