// Reading JSONL in tests: a fixture's file (one JSON value per non-empty line), or a
// process's output.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::test {

inline std::vector<nlohmann::json> read_jsonl_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

// The JSON values of the complete lines of `text` (a process's stdout): a last line without
// its newline — a process killed while writing it — is left out, as are empty lines.
inline std::vector<nlohmann::json> parse_jsonl(std::string_view text) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string_view::npos; start = end + 1) {
    if (end > start) lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
  }
  return lines;
}

}  // namespace molt::test
