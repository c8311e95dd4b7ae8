// Hugging Face text-embeddings-inference (TEI) on the wire: POST /embed, POST /tokenize and
// GET /info in the shapes TEI's router accepts and answers, so its clients can switch.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/server/embed_body.h"
#include "molt/server/embedding_backend.h"

namespace molt::server {

struct TeiEmbedRequest {
  std::vector<EmbedInput> inputs;        // "inputs"
  bool single = false;                   // "inputs" was one string or one token array
  bool normalize = true;                 // TEI's default: L2-normalize the output
  std::optional<bool> truncate;          // nullopt: the server's --truncate setting
  std::string prompt_name;
  std::optional<std::size_t> dimensions;  // Matryoshka width
  std::string model;                     // molt's extension when several models are served
};

struct TeiTokenizeRequest {
  std::vector<std::string> inputs;       // texts only
  bool add_special_tokens = true;
  std::string prompt_name;
  std::string model;
};

// Throw input_error naming the field. "truncation_direction" other than "Right" is refused
// (molt truncates as the reference tokenizer does, at the end).
TeiEmbedRequest parse_tei_embed_request(std::string_view body, std::size_t max_inputs);
TeiTokenizeRequest parse_tei_tokenize_request(std::string_view body, std::size_t max_inputs);

// [[f, ...], ...]: vectors f32 [n, dim].
std::string tei_embed_response_body(std::span<const float> vectors, std::size_t dim);
// [[{"id","text","special","start","stop"}, ...], ...], one list per input.
std::string tei_tokenize_response_body(std::span<const std::vector<Token>> tokens);

struct TeiInfo {
  std::string model_id;
  std::string model_identity;
  std::size_t max_input_length = 0;
  std::size_t max_batch_tokens = 0;
  std::size_t max_client_batch_size = 0;
  std::size_t max_concurrent_requests = 0;
  std::string version;
};
std::string tei_info_body(const TeiInfo& info);

}  // namespace molt::server
