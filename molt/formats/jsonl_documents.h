// Documents as JSON lines, the input of `molt ingest` and `molt import --jsonl` and the
// output of `molt export --format jsonl`: one object per line with
//   "id"        string or integer (BEIR's "_id" is accepted too)          required
//   "text"      string                                                     required
//   "metadata"  object                                                     optional
//   "vector"    array of numbers: the vector of the target space          optional
//   "vectors"   object of arrays of numbers, by space name                optional
// and any other field kept as metadata (a corpus line's "title", a chat message's "role"),
// so a BEIR corpus.jsonl ingests as it is. Blank lines are skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::formats {

struct DocumentRecord {
  std::string id;
  std::string text;
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<std::vector<float>> vector;
  std::map<std::string, std::vector<float>> vectors;
  std::int64_t line = 0;  // 1-based line number in the input
};

// Parses one line (no trailing newline); nullopt for a blank line. Throws input_error
// naming `source`, the line and the field: malformed JSON, not an object, a missing or
// mistyped field, "id" and "_id" both, a metadata field given twice, a vector value that
// is not a number or does not fit a float.
std::optional<DocumentRecord> parse_document_line(std::string_view line, std::int64_t line_no,
                                                  const std::string& source);

}  // namespace molt::formats
