#include "molt/formats/safetensors.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/formats/byte_reader.h"

namespace molt::formats {
namespace {

using nlohmann::json;
using tensor::DType;

// The deepest nesting a valid header has: root object → tensor object → shape array.
constexpr int kMaxDepth = 3;

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the rest.
std::string json_message(const std::exception& e) {
  const std::string_view what = e.what();
  const auto close = what.find("] ");
  return std::string(close == std::string_view::npos ? what : what.substr(close + 2));
}

json parse_header_json(std::string_view text, std::uint64_t header_offset, const std::string& source) {
  // Objects open while parsing, each with the keys seen so far, to refuse duplicate names
  // (a JSON library would silently keep the last).
  std::vector<std::set<std::string>> open_objects;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxDepth) {
          throw input_error("safetensors header nests deeper than any valid header",
                            {.file = source, .offset = header_offset});
        }
        if (event == json::parse_event_t::object_start) open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!open_objects.back().insert(key).second) {
          throw input_error("safetensors header has the key \"" + key + "\" twice",
                            {.file = source, .offset = header_offset,
                             .tensor = depth == 1 ? key : std::string()});
        }
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    const std::uint64_t at = header_offset + (e.byte > 0 ? e.byte - 1 : 0);
    throw input_error("safetensors header is not valid JSON: " + json_message(e),
                      {.file = source, .offset = at});
  } catch (const json::exception& e) {
    // Numbers beyond a double's range (1e999) are out_of_range errors, not parse errors.
    throw input_error("safetensors header is not valid JSON: " + json_message(e),
                      {.file = source, .offset = header_offset});
  }
}

std::uint64_t non_negative(const json& v, const std::string& what, const std::string& source,
                           const std::string& name, std::uint64_t header_offset) {
  if (!v.is_number_unsigned()) {
    throw input_error(what + " must be a non-negative integer, got " + v.dump(),
                      {.file = source, .offset = header_offset, .tensor = name});
  }
  return v.get<std::uint64_t>();
}

SafetensorsTensorInfo parse_entry(const std::string& name, const json& entry,
                                  const std::string& source, std::uint64_t header_offset) {
  const Where where{.file = source, .offset = header_offset, .tensor = name};
  if (!entry.is_object()) {
    throw input_error("tensor entry must be an object with dtype, shape and data_offsets", where);
  }
  SafetensorsTensorInfo info;
  info.name = name;

  const auto dtype = entry.find("dtype");
  if (dtype == entry.end() || !dtype->is_string()) {
    throw input_error("tensor entry has no \"dtype\" string", where);
  }
  const auto parsed = tensor::dtype_from_safetensors(dtype->get_ref<const std::string&>());
  if (!parsed) {
    throw input_error("unsupported dtype " + dtype->dump() +
                          " (molt reads F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, "
                          "U8, BOOL, F8_E4M3, F8_E5M2)",
                      where);
  }
  info.dtype = *parsed;

  const auto shape = entry.find("shape");
  if (shape == entry.end() || !shape->is_array()) {
    throw input_error("tensor entry has no \"shape\" array", where);
  }
  for (const json& d : *shape) {
    const std::uint64_t dim = non_negative(d, "every dimension of \"shape\"", source, name, header_offset);
    if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw input_error("dimension " + std::to_string(dim) + " is too large", where);
    }
    info.shape.push_back(static_cast<std::int64_t>(dim));
  }

  const auto offsets = entry.find("data_offsets");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2) {
    throw input_error("tensor entry has no \"data_offsets\" pair [begin, end]", where);
  }
  info.begin = non_negative((*offsets)[0], "data_offsets[0]", source, name, header_offset);
  info.end = non_negative((*offsets)[1], "data_offsets[1]", source, name, header_offset);
  if (info.end < info.begin) {
    throw input_error("data_offsets [" + std::to_string(info.begin) + ", " +
                          std::to_string(info.end) + "] end before they begin",
                      where);
  }

  const auto bytes = tensor::checked_byte_size(info.dtype, info.shape);
  if (!bytes) {
    throw input_error("shape " + tensor::shape_string(info.shape) + " of " +
                          std::string(tensor::dtype_name(info.dtype)) + ": " +
                          tensor::byte_size_problem(info.dtype, info.shape),
                      where);
  }
  if (static_cast<std::uint64_t>(*bytes) != info.end - info.begin) {
    throw input_error("data_offsets [" + std::to_string(info.begin) + ", " +
                          std::to_string(info.end) + "] hold " +
                          std::to_string(info.end - info.begin) + " bytes but shape " +
                          tensor::shape_string(info.shape) + " of " +
                          std::string(tensor::dtype_name(info.dtype)) + " needs " +
                          std::to_string(*bytes),
                      where);
  }
  return info;
}

}  // namespace

const SafetensorsTensorInfo* SafetensorsHeader::find(std::string_view name) const {
  const auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : &tensors[it->second];
}

SafetensorsHeader parse_safetensors(std::span<const std::byte> file, const std::string& source) {
  ByteReader reader(file, source);
  SafetensorsHeader header;
  if (file.size() < 8) {
    reader.fail_at(0, "file of " + std::to_string(file.size()) +
                          " bytes is too short for a safetensors header length (8 bytes)",
                   "header_size");
  }
  header.header_size = reader.u64("header_size");
  if (header.header_size > SafetensorsHeader::kMaxHeaderSize) {
    reader.fail_at(0, "header length " + std::to_string(header.header_size) +
                          " exceeds the limit of " +
                          std::to_string(SafetensorsHeader::kMaxHeaderSize) +
                          " bytes (not a safetensors file?)",
                   "header_size");
  }
  if (header.header_size > reader.remaining()) {
    reader.fail_at(0, "header length " + std::to_string(header.header_size) +
                          " runs past the end of the file (" + std::to_string(file.size()) +
                          " bytes)",
                   "header_size");
  }
  header.data_offset = 8 + header.header_size;
  const std::string_view text = reader.take_string(header.header_size, "header");
  if (text.empty() || text.front() != '{') {
    reader.fail_at(8, "header does not start with '{' (not a safetensors file?)", "header");
  }

  const json root = parse_header_json(text, 8, source);
  if (!root.is_object()) reader.fail_at(8, "header is not a JSON object", "header");

  for (const auto& [key, value] : root.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) {
        reader.fail_at(8, "\"__metadata__\" must be an object of strings", "__metadata__");
      }
      for (const auto& [mkey, mvalue] : value.items()) {
        if (!mvalue.is_string()) {
          reader.fail_at(8, "\"__metadata__\" value for \"" + mkey + "\" is not a string",
                         "__metadata__");
        }
        header.metadata.emplace(mkey, mvalue.get<std::string>());
      }
      continue;
    }
    header.tensors.push_back(parse_entry(key, value, source, 8));
  }

  // Every byte of the data section belongs to exactly one tensor, in order — what the
  // safetensors library checks before it hands out any tensor.
  const std::uint64_t data_size = file.size() - header.data_offset;
  for (const SafetensorsTensorInfo& t : header.tensors) {
    if (t.end > data_size) {
      throw input_error("data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                            "] run past the end of the data section (" +
                            std::to_string(data_size) + " bytes; file truncated?)",
                        {.file = source, .offset = header.data_offset + t.begin, .tensor = t.name});
    }
  }
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const SafetensorsTensorInfo& a, const SafetensorsTensorInfo& b) {
              return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
            });
  std::uint64_t covered = 0;
  const SafetensorsTensorInfo* previous = nullptr;
  for (const SafetensorsTensorInfo& t : header.tensors) {
    const Where where{.file = source, .offset = header.data_offset + t.begin, .tensor = t.name};
    if (t.begin < covered) {
      throw input_error("data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                            "] overlap tensor " + previous->name + " [" +
                            std::to_string(previous->begin) + ", " + std::to_string(previous->end) +
                            "]",
                        where);
    }
    if (t.begin > covered) {
      throw input_error("data section bytes [" + std::to_string(covered) + ", " +
                            std::to_string(t.begin) + ") before this tensor belong to no tensor",
                        where);
    }
    covered = t.end;
    previous = &t;
  }
  if (covered != data_size) {
    throw input_error("data section has " + std::to_string(data_size - covered) +
                          " bytes after the last tensor that belong to no tensor",
                      {.file = source, .offset = header.data_offset + covered});
  }
  for (std::size_t i = 0; i < header.tensors.size(); ++i) {
    header.by_name.emplace(header.tensors[i].name, i);
  }
  return header;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : map_(path), header_(parse_safetensors(map_.bytes(), map_.path())) {}

std::span<const std::byte> SafetensorsFile::data(const SafetensorsTensorInfo& info) const {
  return map_.bytes().subspan(static_cast<std::size_t>(header_.data_offset + info.begin),
                              static_cast<std::size_t>(info.end - info.begin));
}

tensor::Tensor SafetensorsFile::tensor(std::string_view name) const {
  const SafetensorsTensorInfo* info = find(name);
  if (info == nullptr) {
    throw not_found_error("no such tensor in the file",
                          {.file = path(), .tensor = std::string(name)});
  }
  return tensor(*info);
}

tensor::Tensor SafetensorsFile::tensor(const SafetensorsTensorInfo& info) const {
  return tensor::Tensor::view_of(info.dtype, info.shape, data(info));
}

tensor::Tensor SafetensorsFile::tensor_f32(std::string_view name) const {
  const tensor::Tensor t = tensor(name);
  try {
    return t.as_f32();
  } catch (const Error& e) {
    throw e.with({.file = path(), .tensor = std::string(name)});
  }
}

}  // namespace molt::formats
