// Number formatting for machine-readable output (JSONL, JSON reports).
#pragma once

#include <span>
#include <string>

namespace molt {

// Appends `v` with 9 significant digits (enough for any float32 to read back exactly).
// Non-finite values are written as JSON null.
void append_float(std::string& out, float v);

// Appends a JSON array of floats: "[a,b,c]".
void append_float_array(std::string& out, std::span<const float> values);

// Appends `s` as a JSON string literal (quotes and escapes included). `s` must be UTF-8.
void append_json_string(std::string& out, std::string_view s);

}  // namespace molt
