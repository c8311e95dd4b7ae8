// Relevance judgments (qrels): for each query, documents with a graded relevance. Read from
// BEIR's qrels/<split>.tsv (header "query-id<TAB>corpus-id<TAB>score", CRLF or LF) or from
// TREC's qrels format ("qid iter docid rel", whitespace-separated).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace molt::eval {

struct Judgment {
  std::string doc_id;
  int relevance = 0;  // graded; >= 1 is relevant, <= 0 judged not relevant
};

struct Qrels {
  // query id -> its judgments, sorted by doc id (byte order); ids are strings.
  std::map<std::string, std::vector<Judgment>> by_query;

  std::size_t n_judgments() const;
};

// Parses qrels text. The format is chosen by the first non-blank line: BEIR's header, or
// else TREC's four columns. Errors (molt::Error, input) name `source` and the line: a wrong
// number of fields, a relevance that is not an integer, a document judged twice for one
// query (trec_eval refuses those too), or no judgments at all.
Qrels parse_qrels(std::string_view text, const std::string& source);

// Reads and parses a file (not_found / io errors name it).
Qrels read_qrels(const std::filesystem::path& path);

}  // namespace molt::eval
