// Vectors as OpenAI's encoding_format "base64" sends them: the little-endian float32 bytes
// of the vector, in standard base64 (RFC 4648, with padding).
#pragma once

#include <span>
#include <string>

namespace molt::server {

// Appends the base64 text of `values` (4 * values.size() bytes before encoding).
void append_base64_floats(std::string& out, std::span<const float> values);

}  // namespace molt::server
