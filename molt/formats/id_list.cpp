#include "molt/formats/id_list.h"

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/formats/json_text.h"

namespace molt::formats {
namespace {

bool is_json_name(const std::filesystem::path& path) { return path.extension() == ".json"; }

}  // namespace

std::vector<std::string> parse_id_list(std::string_view bytes, bool json, const std::string& source) {
  std::vector<std::string> ids;
  if (json) {
    const nlohmann::json arr = parse_json(bytes, {.file = source});
    if (!arr.is_array()) throw input_error("expected a JSON array of ids", {.file = source});
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const Where where{.file = source, .field = "[" + std::to_string(i) + "]"};
      if (arr[i].is_string()) {
        ids.push_back(arr[i].get<std::string>());
      } else if (arr[i].is_number_integer()) {
        ids.push_back(arr[i].dump());
      } else {
        throw input_error("an id must be a string or an integer", where);
      }
      if (ids.back().empty()) throw input_error("empty id", where);
      if (ids.back().find('\0') != std::string::npos) throw input_error("an id holds a NUL character", where);
    }
    return ids;
  }
  std::int64_t line_no = 0;
  std::size_t start = 0;
  while (start < bytes.size()) {
    ++line_no;
    std::size_t end = bytes.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = bytes.size();
    std::string_view id = bytes.substr(start, end - start);
    if (!id.empty() && id.back() == '\r') id.remove_suffix(1);
    const Where where{.file = source, .line = line_no};
    if (id.empty()) throw input_error("empty id", where);
    if (id.find('\0') != std::string_view::npos) throw input_error("an id holds a NUL character", where);
    ids.emplace_back(id);
    start = end + 1;
  }
  return ids;
}

std::vector<std::string> read_id_list(const std::filesystem::path& path) {
  return parse_id_list(read_file(path), is_json_name(path), path.string());
}

void write_id_list(const std::filesystem::path& path, const std::vector<std::string>& ids) {
  std::string out;
  if (is_json_name(path)) {
    out = nlohmann::json(ids).dump() + "\n";
  } else {
    for (const std::string& id : ids) {
      if (id.find_first_of("\r\n") != std::string::npos) {
        throw usage_error("id '" + id.substr(0, 40) + "' holds a line break: write the id list as .json",
                          {.file = path.string()});
      }
      out += id;
      out += '\n';
    }
  }
  write_file_atomic(path, out);
}

}  // namespace molt::formats
