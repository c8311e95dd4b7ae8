#include "molt/formats/inspect.h"

#include <cstring>
#include <fstream>
#include <string>

#include "molt/base/error.h"
#include "molt/base/mapped_file.h"
#include "molt/formats/gguf.h"
#include "molt/formats/npy.h"
#include "molt/formats/npz.h"
#include "molt/formats/safetensors.h"
#include "molt/formats/safetensors_checkpoint.h"

namespace molt::formats {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json shape_json(const tensor::Shape& shape) {
  json out = json::array();
  for (const std::int64_t d : shape) out.push_back(d);
  return out;
}

json scalar_json(const GgufValue& v) {
  switch (v.type()) {
    case GgufType::kU8:
    case GgufType::kU16:
    case GgufType::kU32:
    case GgufType::kU64: return v.as_unsigned();
    case GgufType::kI8:
    case GgufType::kI16:
    case GgufType::kI32:
    case GgufType::kI64: return v.as_signed();
    case GgufType::kF32:
    case GgufType::kF64: {
      const double d = v.as_floating();
      if (d != d || d - d != 0) return nullptr;  // JSON has no NaN or infinity
      return d;
    }
    case GgufType::kBool: return v.as_bool();
    case GgufType::kString: return v.as_string();
    case GgufType::kArray: break;
  }
  return nullptr;
}

json value_json(const GgufValue& v, const InspectOptions& options) {
  if (!v.is_array()) return scalar_json(v);
  const std::size_t n = v.array_size();
  const std::size_t shown =
      options.max_array_elements == 0 ? n : std::min(n, options.max_array_elements);
  json items = json::array();
  for (std::size_t i = 0; i < shown; ++i) items.push_back(value_json(v.element(i), options));
  return items;
}

json inspect_gguf(const fs::path& path, const InspectOptions& options) {
  const GgufFile file(path);
  json metadata = json::object();
  for (const auto& [key, value] : file.metadata().entries()) {
    json entry = {{"type", value.type_name()}, {"value", value_json(value, options)}};
    if (value.is_array()) {
      entry["length"] = value.array_size();
      if (entry["value"].size() < value.array_size()) entry["truncated"] = true;
    }
    metadata[key] = std::move(entry);
  }
  json tensors = json::array();
  for (const GgufTensorInfo& t : file.tensors()) {
    tensors.push_back({{"name", t.name},
                       {"type", tensor::dtype_name(t.dtype)},
                       {"ggml_type", t.ggml_type},
                       {"shape", shape_json(t.shape)},
                       {"offset", t.offset},
                       {"n_bytes", t.n_bytes}});
  }
  return {{"format", "gguf"},
          {"file", file.path()},
          {"size", file.file_size()},
          {"version", file.version()},
          {"alignment", file.header().alignment},
          {"data_offset", file.header().data_offset},
          {"metadata", std::move(metadata)},
          {"tensors", std::move(tensors)}};
}

json safetensors_tensor_json(const SafetensorsTensorInfo& t) {
  return {{"name", t.name},
          {"dtype", tensor::dtype_name(t.dtype)},
          {"shape", shape_json(t.shape)},
          {"data_offsets", {t.begin, t.end}}};
}

json inspect_safetensors(const fs::path& path) {
  const SafetensorsFile file(path);
  json tensors = json::array();
  for (const SafetensorsTensorInfo& t : file.tensors()) tensors.push_back(safetensors_tensor_json(t));
  return {{"format", "safetensors"},
          {"file", file.path()},
          {"size", file.file_size()},
          {"header_size", file.header().header_size},
          {"data_offset", file.header().data_offset},
          {"metadata", file.metadata()},
          {"tensors", std::move(tensors)}};
}

json inspect_index(const fs::path& path) {
  const SafetensorsCheckpoint checkpoint(path);
  json shards = json::array();
  for (const SafetensorsFile& f : checkpoint.files()) {
    shards.push_back({{"file", f.path()}, {"size", f.file_size()}, {"n_tensors", f.tensors().size()}});
  }
  json tensors = json::array();
  for (const std::string& name : checkpoint.tensor_names()) {
    json t = safetensors_tensor_json(*checkpoint.find(name));
    t["shard"] = fs::path(checkpoint.file_of(name)->path()).filename().string();
    tensors.push_back(std::move(t));
  }
  return {{"format", "safetensors-index"},
          {"file", checkpoint.source()},
          {"shards", std::move(shards)},
          {"tensors", std::move(tensors)}};
}

json npy_header_json(const NpyHeader& h) {
  json out = {{"version", std::to_string(h.major) + "." + std::to_string(h.minor)},
              {"descr", h.descr},
              {"fortran_order", h.fortran_order},
              {"shape", shape_json(h.shape)},
              {"data_offset", h.data_offset}};
  if (h.item_size) {
    out["n_bytes"] = static_cast<std::uint64_t>(*tensor::checked_element_count(h.shape)) * *h.item_size;
  }
  return out;
}

json inspect_npy(const fs::path& path) {
  const MappedFile map(path);
  const NpyHeader h = parse_npy_header(map.bytes(), map.path());
  json out = {{"format", "npy"}, {"file", map.path()}, {"size", map.size()}};
  out.update(npy_header_json(h));
  if (h.item_size && h.data_offset + out["n_bytes"].get<std::uint64_t>() != map.size()) {
    throw input_error("array data is " + std::to_string(map.size() - h.data_offset) +
                          " bytes, but the header's shape and dtype need " +
                          std::to_string(out["n_bytes"].get<std::uint64_t>()),
                      {.file = map.path(), .offset = h.data_offset, .field = "shape"});
  }
  return out;
}

json inspect_npz(const fs::path& path) {
  json members = json::array();
  for (const NpzMember& m : list_npz(path)) {
    json entry = {{"name", m.name},
                  {"file", m.file_name},
                  {"compression", m.compressed ? "deflate" : "store"},
                  {"size", m.size},
                  {"compressed_size", m.compressed_size}};
    entry.update(npy_header_json(m.header));
    members.push_back(std::move(entry));
  }
  return {{"format", "npz"},
          {"file", path.string()},
          {"size", fs::file_size(path)},
          {"members", std::move(members)}};
}

}  // namespace

json inspect_file(const fs::path& path, const InspectOptions& options) {
  if (fs::is_directory(path)) {
    throw usage_error("is a folder; name a .safetensors, .gguf, .npy or .npz file",
                      {.file = path.string()});
  }
  char magic[6] = {};
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      if (!fs::exists(path)) throw not_found_error("no such file", {.file = path.string()});
      throw io_error("cannot open", {.file = path.string()});
    }
    in.read(magic, sizeof(magic));
  }
  if (std::memcmp(magic, "GGUF", 4) == 0) return inspect_gguf(path, options);
  if (std::memcmp(magic, "\x93NUMPY", 6) == 0) return inspect_npy(path);
  if (std::memcmp(magic, "PK\x03\x04", 4) == 0 || std::memcmp(magic, "PK\x05\x06", 4) == 0) {
    return inspect_npz(path);
  }
  if (path.extension() == ".json") return inspect_index(path);
  return inspect_safetensors(path);
}

}  // namespace molt::formats
