#include "molt/formats/jsonl_documents.h"

#include <cmath>
#include <limits>

#include "molt/base/error.h"
#include "molt/formats/json_text.h"

namespace molt::formats {
namespace {

std::vector<float> parse_vector(const nlohmann::json& value, const Where& where) {
  if (!value.is_array()) throw input_error("a vector must be an array of numbers", where);
  std::vector<float> v;
  v.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& x = value[i];
    if (!x.is_number()) {
      throw input_error("vector value " + std::to_string(i) + " is not a number", where);
    }
    const double d = x.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > std::numeric_limits<float>::max()) {
      throw input_error("vector value " + std::to_string(i) + " does not fit a float", where);
    }
    v.push_back(static_cast<float>(d));
  }
  return v;
}

std::string id_text(const nlohmann::json& id, const Where& where) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return id.dump();  // decimal, as written
  throw input_error("\"id\" must be a string or an integer", where);
}

}  // namespace

std::optional<DocumentRecord> parse_document_line(std::string_view line, std::int64_t line_no,
                                                  const std::string& source) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  const Where where{.file = source, .line = line_no};
  auto at = [&](const char* field) { return Where{.file = source, .line = line_no, .field = field}; };
  const nlohmann::json obj = parse_json(line, where);
  if (!obj.is_object()) throw input_error("expected a JSON object", where);

  DocumentRecord rec;
  rec.line = line_no;
  const auto id = obj.find("id");
  const auto beir_id = obj.find("_id");
  if (id != obj.end() && beir_id != obj.end()) throw input_error("both \"id\" and \"_id\" are given", at("id"));
  if (id == obj.end() && beir_id == obj.end()) throw input_error("missing \"id\"", at("id"));
  rec.id = id_text(id != obj.end() ? *id : *beir_id, at("id"));

  const auto text = obj.find("text");
  if (text == obj.end()) throw input_error("missing \"text\"", at("text"));
  if (!text->is_string()) throw input_error("\"text\" must be a string", at("text"));
  rec.text = text->get<std::string>();

  const auto metadata = obj.find("metadata");
  if (metadata != obj.end() && !metadata->is_null()) {
    if (!metadata->is_object()) throw input_error("\"metadata\" must be an object", at("metadata"));
    rec.metadata = *metadata;
  }
  const auto vector = obj.find("vector");
  if (vector != obj.end()) rec.vector = parse_vector(*vector, at("vector"));
  const auto vectors = obj.find("vectors");
  if (vectors != obj.end()) {
    if (!vectors->is_object()) throw input_error("\"vectors\" must be an object of arrays by space", at("vectors"));
    for (const auto& [space, v] : vectors->items()) rec.vectors[space] = parse_vector(v, at("vectors"));
  }
  for (const auto& [key, value] : obj.items()) {
    if (key == "id" || key == "_id" || key == "text" || key == "metadata" || key == "vector" || key == "vectors") {
      continue;
    }
    if (rec.metadata.contains(key)) {
      throw input_error("field \"" + key + "\" is given both at the top level and in \"metadata\"",
                        {.file = source, .line = line_no, .field = key});
    }
    rec.metadata[key] = value;
  }
  return rec;
}

}  // namespace molt::formats
