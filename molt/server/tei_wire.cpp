#include "molt/server/tei_wire.h"

#include <array>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/text_format.h"
#include "molt/server/api_error.h"
#include "molt/server/json_fields.h"

namespace molt::server {
namespace {

constexpr std::array<std::string_view, 7> kEmbedFields = {
    "inputs", "normalize", "truncate", "truncation_direction", "prompt_name", "dimensions", "model"};
constexpr std::array<std::string_view, 4> kTokenizeFields = {
    "inputs", "add_special_tokens", "prompt_name", "model"};

EmbedBody read_body(std::string_view body, std::span<const std::string_view> fields, std::size_t max_inputs) {
  EmbedBody parsed = read_embed_body(body, "inputs", fields, max_inputs);
  if (!parsed.has_inputs) {
    throw input_error("missing 'inputs': the text (or texts) to process", {.field = "inputs"});
  }
  return parsed;
}

void append_optional_size(std::string& out, const std::optional<std::size_t>& v) {
  if (v) {
    out += std::to_string(*v);
  } else {
    out += "null";
  }
}

}  // namespace

TeiEmbedRequest parse_tei_embed_request(std::string_view body, std::size_t max_inputs) {
  EmbedBody parsed = read_body(body, kEmbedFields, max_inputs);
  TeiEmbedRequest req;
  req.inputs = std::move(parsed.inputs);
  req.single = parsed.single;
  req.normalize = bool_field(parsed.fields, "normalize").value_or(true);
  req.truncate = bool_field(parsed.fields, "truncate");
  if (const auto dir = string_field(parsed.fields, "truncation_direction")) {
    if (*dir != "Right" && *dir != "right") {
      throw input_error("'truncation_direction' " + *dir + " is not supported: molt truncates at the "
                        "end (\"Right\"), as the model's reference tokenizer does",
                        {.field = "truncation_direction"});
    }
  }
  req.prompt_name = string_field(parsed.fields, "prompt_name").value_or("");
  if (const auto dims = integer_field(parsed.fields, "dimensions", 1, 1 << 20)) {
    req.dimensions = static_cast<std::size_t>(*dims);
  }
  req.model = string_field(parsed.fields, "model").value_or("");
  return req;
}

TeiTokenizeRequest parse_tei_tokenize_request(std::string_view body, std::size_t max_inputs) {
  EmbedBody parsed = read_body(body, kTokenizeFields, max_inputs);
  TeiTokenizeRequest req;
  req.inputs.reserve(parsed.inputs.size());
  for (std::size_t i = 0; i < parsed.inputs.size(); ++i) {
    auto* text = std::get_if<std::string>(&parsed.inputs[i]);
    if (text == nullptr) {
      throw input_error("/tokenize takes texts, not token ids",
                        {.field = parsed.single ? "inputs" : "inputs[" + std::to_string(i) + "]"});
    }
    req.inputs.push_back(std::move(*text));
  }
  req.add_special_tokens = bool_field(parsed.fields, "add_special_tokens").value_or(true);
  req.prompt_name = string_field(parsed.fields, "prompt_name").value_or("");
  req.model = string_field(parsed.fields, "model").value_or("");
  return req;
}

std::string tei_embed_response_body(std::span<const float> vectors, std::size_t dim) {
  const std::size_t n = dim == 0 ? 0 : vectors.size() / dim;
  std::string out;
  out.reserve(2 + n * (2 + dim * 12));
  out += '[';
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ',';
    append_float_array(out, vectors.subspan(i * dim, dim));
  }
  out += ']';
  return out;
}

std::string tei_tokenize_response_body(std::span<const std::vector<Token>> tokens) {
  std::string out = "[";
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i != 0) out += ',';
    out += '[';
    for (std::size_t k = 0; k < tokens[i].size(); ++k) {
      const Token& t = tokens[i][k];
      if (k != 0) out += ',';
      out += "{\"id\":";
      out += std::to_string(t.id);
      out += ",\"text\":";
      append_json_string(out, printable(t.text, std::string::npos));  // vocabulary pieces may hold partial UTF-8
      out += ",\"special\":";
      out += t.special ? "true" : "false";
      out += ",\"start\":";
      append_optional_size(out, t.start);
      out += ",\"stop\":";
      append_optional_size(out, t.stop);
      out += '}';
    }
    out += ']';
  }
  out += ']';
  return out;
}

std::string tei_info_body(const TeiInfo& info) {
  nlohmann::ordered_json j;
  j["model_id"] = info.model_id;
  j["model_sha"] = info.model_identity;
  j["model_dtype"] = "float32";
  j["model_type"] = {{"embedding", {{"pooling", "model"}}}};
  j["max_concurrent_requests"] = info.max_concurrent_requests;
  j["max_input_length"] = info.max_input_length;
  j["max_batch_tokens"] = info.max_batch_tokens;
  j["max_batch_requests"] = nullptr;
  j["max_client_batch_size"] = info.max_client_batch_size;
  j["tokenization_workers"] = nullptr;
  j["version"] = info.version;
  return j.dump();
}

}  // namespace molt::server
