#include "molt/server/openai_wire.h"

#include <array>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/text_format.h"
#include "molt/server/float_base64.h"
#include "molt/server/json_fields.h"

namespace molt::server {
namespace {

constexpr std::array<std::string_view, 6> kFields = {
    "model", "dimensions", "encoding_format", "user", "prompt_name", "input"};

nlohmann::ordered_json model_json(const ModelListing& m) {
  nlohmann::ordered_json j;
  j["id"] = m.id;
  j["object"] = "model";
  j["created"] = 0;
  j["owned_by"] = "molt";
  j["dimensions"] = m.dim;
  j["max_input_tokens"] = m.max_tokens;
  j["architecture"] = m.architecture;
  j["identity"] = m.identity;
  j["prompt_names"] = m.prompt_names;
  return j;
}

}  // namespace

EmbeddingsRequest parse_embeddings_request(std::string_view body, std::size_t max_inputs) {
  EmbedBody parsed = read_embed_body(body, "input", kFields, max_inputs);
  if (!parsed.has_inputs) {
    throw input_error("missing 'input': the text (or texts, or token ids) to embed", {.field = "input"});
  }
  EmbeddingsRequest req;
  req.inputs = std::move(parsed.inputs);
  req.single = parsed.single;
  req.model = string_field(parsed.fields, "model").value_or("");
  if (const auto dims = integer_field(parsed.fields, "dimensions", 1, 1 << 20)) {
    req.dimensions = static_cast<std::size_t>(*dims);
  }
  if (const auto format = string_field(parsed.fields, "encoding_format")) {
    if (*format == "float") {
      req.encoding_format = EncodingFormat::kFloat;
    } else if (*format == "base64") {
      req.encoding_format = EncodingFormat::kBase64;
    } else {
      throw input_error("'encoding_format' must be \"float\" or \"base64\"", {.field = "encoding_format"});
    }
  }
  req.user = string_field(parsed.fields, "user").value_or("");
  req.prompt_name = string_field(parsed.fields, "prompt_name").value_or("");
  return req;
}

std::string embeddings_response_body(std::string_view model, std::span<const float> vectors,
                                     std::size_t dim, EncodingFormat format,
                                     std::size_t prompt_tokens) {
  const std::size_t n = dim == 0 ? 0 : vectors.size() / dim;
  std::string out;
  // ~12 bytes per float as text, 5.4 as base64, plus the envelope.
  out.reserve(128 + n * (64 + dim * (format == EncodingFormat::kFloat ? 12 : 6)));
  out += "{\"object\":\"list\",\"data\":[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ',';
    out += "{\"object\":\"embedding\",\"index\":";
    out += std::to_string(i);
    out += ",\"embedding\":";
    const std::span<const float> row = vectors.subspan(i * dim, dim);
    if (format == EncodingFormat::kFloat) {
      append_float_array(out, row);
    } else {
      out += '"';
      append_base64_floats(out, row);
      out += '"';
    }
    out += '}';
  }
  out += "],\"model\":";
  append_json_string(out, model);
  out += ",\"usage\":{\"prompt_tokens\":";
  out += std::to_string(prompt_tokens);
  out += ",\"total_tokens\":";
  out += std::to_string(prompt_tokens);
  out += "}}";
  return out;
}

std::string model_body(const ModelListing& model) { return model_json(model).dump(); }

std::string models_list_body(std::span<const ModelListing> models) {
  nlohmann::ordered_json j;
  j["object"] = "list";
  j["data"] = nlohmann::ordered_json::array();
  for (const ModelListing& m : models) j["data"].push_back(model_json(m));
  return j.dump();
}

}  // namespace molt::server
