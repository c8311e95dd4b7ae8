// Parsing JSON text from outside (a JSONL line, an id list) with errors that say where:
// nlohmann's parse errors and its out-of-range numbers (1e999) both become input_error.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"

namespace molt::formats {

// Throws input_error("malformed JSON at byte N" or "... a number is out of range", where).
nlohmann::json parse_json(std::string_view text, const Where& where);

}  // namespace molt::formats
