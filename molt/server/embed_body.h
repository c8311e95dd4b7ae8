// EmbedBody: the JSON body of an embedding or tokenization request, read in one streaming
// pass. Its one bulky field -- OpenAI's "input", TEI's "inputs" -- is read straight into
// texts and compact token-id arrays (never into a JSON tree), so a request costs about its
// own size in memory; the other known fields are kept as JSON scalars for typed access.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "molt/server/embedding_backend.h"

namespace molt::server {

// One input: a text, or a sequence of the model's own token ids.
using EmbedInput = std::variant<std::string, TokenIds>;

struct EmbedBody {
  bool has_inputs = false;      // the inputs field was present (and not null)
  bool single = false;          // it was one string or one token array, not an array of them
  std::vector<EmbedInput> inputs;
  // The known fields other than the inputs that were present: scalars as sent (null values
  // omitted); an array or object is kept as an empty one so that typed access can say
  // what was wrong.
  nlohmann::json fields = nlohmann::json::object();
};

// Reads `body`, a JSON object. The inputs field `inputs_key` may hold a string, an array of
// strings, an array of token ids, or an array of arrays of token ids (strings and token
// arrays may be mixed, as TEI allows). Fields named in `known_fields` are kept; any other
// field is skipped. Throws input_error naming the field ("input[3][7]") or the byte offset
// for: malformed JSON or invalid UTF-8, a body that is not an object, a field given twice,
// an empty inputs array, an empty string or token array, a token id that is not an integer
// in [0, 2^31), more than `max_inputs` inputs.
EmbedBody read_embed_body(std::string_view body, std::string_view inputs_key,
                          std::span<const std::string_view> known_fields, std::size_t max_inputs);

}  // namespace molt::server
