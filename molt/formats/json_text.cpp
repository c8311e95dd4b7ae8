#include "molt/formats/json_text.h"

namespace molt::formats {

nlohmann::json parse_json(std::string_view text, const Where& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("malformed JSON at byte " + std::to_string(e.byte), where);
  } catch (const nlohmann::json::exception&) {
    // A number too large for a double (1e999) is out_of_range, not a parse_error.
    throw input_error("malformed JSON: a number is out of range", where);
  }
}

}  // namespace molt::formats
