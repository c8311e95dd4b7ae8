// Lists of document ids that go with a matrix of vectors (row i is document ids[i]), as
// users keep them beside a .npy, .npz or FAISS file: a text file with one id per line
// (what `"\n".join(ids)` writes; a trailing newline and CRLF line ends are fine), or a
// .json file holding an array of strings or integers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace molt::formats {

// Parses the bytes of an id list; `json` chooses the JSON array form. Throws input_error
// naming `source` and the line (or array index): an empty line, an id holding a NUL, an
// array element that is neither string nor integer.
std::vector<std::string> parse_id_list(std::string_view bytes, bool json, const std::string& source);

// Reads a file, as JSON when its name ends in ".json".
std::vector<std::string> read_id_list(const std::filesystem::path& path);

// Writes ids one per line, atomically (or as a JSON array when the name ends in ".json").
// Throws usage_error for a text list when an id holds a line break (use .json then).
void write_id_list(const std::filesystem::path& path, const std::vector<std::string>& ids);

}  // namespace molt::formats
