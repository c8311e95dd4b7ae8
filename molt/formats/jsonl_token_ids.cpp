#include "molt/formats/jsonl_token_ids.h"

#include <limits>

#include "molt/base/error.h"

namespace molt::formats {

std::optional<TokenIdRecord> parse_token_id_record(std::string_view line, std::int64_t line_no,
                                                   const std::string& source) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  const Where where{.file = source, .line = line_no};
  nlohmann::json obj;
  try {
    obj = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("malformed JSON at byte " + std::to_string(e.byte), where);
  } catch (const nlohmann::json::exception&) {
    throw input_error("malformed JSON: a number is out of range", where);
  }
  if (!obj.is_object()) throw input_error("expected a JSON object", where);
  TokenIdRecord rec;
  rec.line = line_no;
  const auto ids = obj.find("ids");
  if (ids == obj.end()) throw input_error("missing \"ids\"", where);
  const Where field{.file = source, .line = line_no, .field = "ids"};
  if (!ids->is_array()) throw input_error("\"ids\" must be an array of token ids", field);
  rec.ids.reserve(ids->size());
  for (const auto& v : *ids) {
    if (!v.is_number_integer()) throw input_error("\"ids\" must hold integers", field);
    const auto value = v.get<std::int64_t>();
    if (value < 0 || value > std::numeric_limits<std::int32_t>::max()) {
      throw input_error("token id " + v.dump() + " is out of range", field);
    }
    rec.ids.push_back(static_cast<std::int32_t>(value));
  }
  const auto id = obj.find("id");
  if (id != obj.end()) {
    if (!id->is_string() && !id->is_number_integer()) {
      throw input_error("\"id\" must be a string or an integer", {.file = source, .line = line_no, .field = "id"});
    }
    rec.id = *id;
  }
  return rec;
}

std::vector<TokenIdRecord> read_token_id_records(std::istream& in, const std::string& source) {
  std::vector<TokenIdRecord> out;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto rec = parse_token_id_record(line, line_no, source)) out.push_back(std::move(*rec));
  }
  if (in.bad()) throw io_error("cannot read input", {.file = source});
  return out;
}

bool has_token_ids(std::string_view line) {
  const nlohmann::json obj = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return obj.is_object() && obj.contains("ids");
}

}  // namespace molt::formats
