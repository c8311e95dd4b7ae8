// A retrieval run: for each query, scored documents. Read and written in TREC run format,
// one line per retrieved document: "qid Q0 docid rank score tag". As in trec_eval, the rank
// column and the order of lines are ignored when reading: a ranking is always the documents
// sorted by score, descending, equal scores by document id, descending (strcmp order).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace molt::eval {

struct ScoredDoc {
  std::string doc_id;
  double score = 0.0;
};

struct Run {
  // query id -> retrieved documents (any order; sort_trec_order ranks them).
  std::map<std::string, std::vector<ScoredDoc>> by_query;
  std::string tag;  // the run name (last column); "molt" when written by molt

  std::size_t n_retrieved() const;
};

// trec_eval's ranking order: higher score first, equal scores by doc id descending.
bool trec_ranks_before(const ScoredDoc& a, const ScoredDoc& b);
void sort_trec_order(std::vector<ScoredDoc>& docs);

// Parses a TREC run. Blank lines and lines starting with '#' are skipped; fields past the
// sixth are ignored. Errors (input, naming `source` and the line): fewer than 6 fields, a
// score that is not a finite number, a document listed twice for one query.
Run parse_trec_run(std::string_view text, const std::string& source);
Run read_trec_run(const std::filesystem::path& path);

// The run as TREC text: queries in id order, each query's documents in trec order with
// ranks from 1. Scores print as the shortest decimal that reads back as the same value
// (as a float when the value is one), so trec_eval ranks the file exactly as molt did.
std::string format_trec_run(const Run& run);
void write_trec_run(const std::filesystem::path& path, const Run& run);

// The score text used by format_trec_run.
std::string format_score(double score);

}  // namespace molt::eval
