// OpenAI's embeddings API on the wire: the POST /v1/embeddings request, its response (float
// or base64 vectors, usage), and the GET /v1/models listing, in the shapes OpenAI's API
// reference defines and its SDKs parse.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/server/embed_body.h"

namespace molt::server {

enum class EncodingFormat { kFloat, kBase64 };

struct EmbeddingsRequest {
  std::vector<EmbedInput> inputs;          // "input", at least one
  bool single = false;                     // "input" was one string or one token array
  std::string model;                       // "" when not given
  std::optional<std::size_t> dimensions;   // Matryoshka width, >= 1
  EncodingFormat encoding_format = EncodingFormat::kFloat;
  std::string user;                        // accepted and ignored, as a tag for logs
  std::string prompt_name;                 // molt's extension: a prompt of the model, by name
};

// Parses a request body. Throws input_error naming the field: "input" missing or invalid
// (see read_embed_body), "model" or "user" not a string, "dimensions" not a positive
// integer, "encoding_format" neither "float" nor "base64".
EmbeddingsRequest parse_embeddings_request(std::string_view body, std::size_t max_inputs);

// {"object":"list","data":[{"object":"embedding","index":i,"embedding":...}],"model":...,
//  "usage":{"prompt_tokens":n,"total_tokens":n}}. vectors: f32 [n, dim], row i = data[i].
// Floats are written with 9 significant digits (float32 round-trips); base64 is the
// little-endian float32 bytes.
std::string embeddings_response_body(std::string_view model, std::span<const float> vectors,
                                     std::size_t dim, EncodingFormat format,
                                     std::size_t prompt_tokens);

// An entry of GET /v1/models: OpenAI's fields plus what a client of an embedding model
// wants to know.
struct ModelListing {
  std::string id;
  std::size_t dim = 0;
  std::size_t max_tokens = 0;
  std::string architecture;
  std::string identity;
  std::vector<std::string> prompt_names;
};

std::string model_body(const ModelListing& model);                  // GET /v1/models/{id}
std::string models_list_body(std::span<const ModelListing> models);  // GET /v1/models

}  // namespace molt::server
