// The JSONL text input of CONTRACT.md: one object per line with "text" (string) and an
// optional "id" (string or integer); blank lines are skipped.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::formats {

struct TextRecord {
  nlohmann::json id;     // null when the line has no "id"; else a string or an integer
  std::string text;
  std::int64_t line = 0;  // 1-based line number in the input
};

// Reads every record. Throws input_error naming `source` and the line on malformed JSON,
// a missing or non-string "text", or an "id" that is neither string nor integer.
std::vector<TextRecord> read_text_records(std::istream& in, const std::string& source);

// Parses one line (no trailing newline); returns nullopt for a blank line.
std::optional<TextRecord> parse_text_record(std::string_view line, std::int64_t line_no,
                                            const std::string& source);

}  // namespace molt::formats
