// A BEIR-format retrieval dataset: corpus.jsonl ({"_id", "title", "text"} per line),
// queries.jsonl ({"_id", "text"}), qrels/<split>.tsv. As BEIR's GenericDataLoader does, the
// queries evaluated are those the split judges. Ids are strings.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "molt/base/progress.h"
#include "molt/eval/qrels.h"

namespace molt::eval {

struct BeirDocument {
  std::string id;
  std::string title;
  std::string text;
  bool has_title = false;  // the line had a "title" field (MTEB joins title and text then)
};

struct BeirQuery {
  std::string id;
  std::string text;
};

struct BeirDataset {
  std::vector<BeirDocument> corpus;  // in file order
  std::vector<BeirQuery> queries;    // the judged queries of the split, in id order
  Qrels qrels;
  std::string split;
};

// The judged queries of `qrels` from a BEIR queries.jsonl, in id order. Input errors name
// the line; a judged query missing from the file is one.
std::vector<BeirQuery> load_queries(const std::filesystem::path& path, const Qrels& qrels);

// Loads `dir`. Errors (molt::Error) name the file and line: a missing file (not_found), a
// line that is not a JSON object, a missing or non-string "_id"/"text" (an integer "_id" is
// accepted as its decimal string), a non-string "title", a duplicate id, or a judged query
// absent from queries.jsonl. Reports progress as stage "load", unit "docs".
BeirDataset load_beir(const std::filesystem::path& dir, const std::string& split = "test",
                      const ProgressFn& progress = {});

}  // namespace molt::eval
