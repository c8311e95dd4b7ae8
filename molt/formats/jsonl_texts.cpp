#include "molt/formats/jsonl_texts.h"

#include "molt/base/error.h"
#include "molt/formats/json_text.h"

namespace molt::formats {

std::optional<TextRecord> parse_text_record(std::string_view line, std::int64_t line_no,
                                            const std::string& source) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  const Where where{.file = source, .line = line_no};
  const nlohmann::json obj = parse_json(line, where);
  if (!obj.is_object()) throw input_error("expected a JSON object", where);
  TextRecord rec;
  rec.line = line_no;
  const auto text = obj.find("text");
  if (text == obj.end()) throw input_error("missing \"text\"", where);
  if (!text->is_string()) throw input_error("\"text\" must be a string", {.file = source, .line = line_no, .field = "text"});
  rec.text = text->get<std::string>();
  const auto id = obj.find("id");
  if (id != obj.end()) {
    if (!id->is_string() && !id->is_number_integer()) {
      throw input_error("\"id\" must be a string or an integer",
                        {.file = source, .line = line_no, .field = "id"});
    }
    rec.id = *id;
  }
  return rec;
}

std::vector<TextRecord> read_text_records(std::istream& in, const std::string& source) {
  std::vector<TextRecord> out;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto rec = parse_text_record(line, line_no, source)) out.push_back(std::move(*rec));
  }
  if (in.bad()) throw io_error("cannot read input", {.file = source});
  return out;
}

}  // namespace molt::formats
