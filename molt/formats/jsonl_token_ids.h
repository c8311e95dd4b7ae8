// JSONL token ids: one object per line with "ids" (an array of integers, the complete
// sequence a model sees, special tokens included — what `molt tokenize` writes) and an
// optional "id" (string or integer); other fields ("tokens") are ignored; blank lines are
// skipped. The pre-tokenized input of `molt bench`.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::formats {

struct TokenIdRecord {
  nlohmann::json id;  // null when the line has no "id"; else a string or an integer
  std::vector<std::int32_t> ids;
  std::int64_t line = 0;  // 1-based
};

// One line (no trailing newline); nullopt for a blank line. Throws input_error naming
// `source`, the line and the field for malformed JSON, a missing "ids", an element that is
// not an integer in [0, 2^31), or an "id" that is neither string nor integer.
std::optional<TokenIdRecord> parse_token_id_record(std::string_view line, std::int64_t line_no,
                                                   const std::string& source);

// Every record of the stream; same errors.
std::vector<TokenIdRecord> read_token_id_records(std::istream& in, const std::string& source);

// True when `line` is a JSON object with an "ids" field (never throws): tells token-id input
// from text input by its first non-blank line.
bool has_token_ids(std::string_view line);

}  // namespace molt::formats
