#include "molt/formats/gguf.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <limits>
#include <numeric>
#include <utility>

#include "molt/base/error.h"
#include "molt/formats/byte_reader.h"

namespace molt::formats {
namespace {

using tensor::DType;

// The fewest bytes a metadata entry (u64 key length, u32 type, one-byte value) and a tensor
// info (u64 name length, u32 n_dims, u32 type, u64 offset) can take: counts beyond what
// the rest of the file could hold are refused before anything is allocated.
constexpr std::uint64_t kMinEntryBytes = 8 + 4 + 1;
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;
// Counts are bounded by the file's size, but the objects they become are larger than their
// bytes; reserve no more than this up front and let vectors grow past it.
constexpr std::uint64_t kMaxReserve = 1 << 16;

std::string describe_magic(std::span<const std::byte> magic) {
  std::string hex;
  std::string text;
  for (const std::byte b : magic) {
    char buf[4];
    std::snprintf(buf, sizeof(buf), "%02x", static_cast<unsigned>(b));
    if (!hex.empty()) hex += ' ';
    hex += buf;
    const char c = static_cast<char>(b);
    text += (c >= 0x20 && c < 0x7f) ? c : '.';
  }
  return hex + " ('" + text + "')";
}

class Parser {
 public:
  Parser(std::span<const std::byte> file, const std::string& source)
      : r_(file, source), source_(source) {}

  GgufHeader parse() {
    GgufHeader h;
    h.metadata = GgufMetadata(source_);
    read_preamble(h);
    read_metadata(h);
    read_alignment(h);
    read_tensor_infos(h);
    place_data(h);
    return h;
  }

 private:
  void read_preamble(GgufHeader& h) {
    if (r_.size() < 4) r_.fail("file of " + std::to_string(r_.size()) + " bytes is too short for a GGUF header", "magic");
    const auto magic = r_.take(4, "magic");
    if (std::string_view(reinterpret_cast<const char*>(magic.data()), 4) != "GGUF") {
      r_.fail_at(0, "not a GGUF file: it starts with " + describe_magic(magic) + ", not 'GGUF'",
                 "magic");
    }
    h.version = r_.u32("version");
    if (h.version != 2 && h.version != 3) {
      if (h.version != 0 && (h.version & 0xffffu) == 0) {
        r_.fail_at(4, "GGUF version field reads " + std::to_string(h.version) +
                          ": a big-endian file, which molt does not read (versions 2 and 3, "
                          "little-endian)",
                   "version");
      }
      r_.fail_at(4, "unsupported GGUF version " + std::to_string(h.version) +
                        " (molt reads versions 2 and 3" +
                        (h.version == 1 ? "; re-convert the file with a current llama.cpp)" : ")"),
                 "version");
    }
    n_tensors_ = r_.u64("n_tensors");
    n_kv_ = r_.u64("n_kv");
    if (n_kv_ > r_.remaining() / kMinEntryBytes) {
      r_.fail_at(16, "metadata count " + std::to_string(n_kv_) + " is impossible: the file has " +
                         std::to_string(r_.remaining()) + " bytes left",
                 "n_kv");
    }
    if (n_tensors_ > r_.remaining() / kMinTensorInfoBytes) {
      r_.fail_at(8, "tensor count " + std::to_string(n_tensors_) + " is impossible: the file has " +
                        std::to_string(r_.remaining()) + " bytes left",
                 "n_tensors");
    }
  }

  std::string read_string(const std::string& field) {
    const std::uint64_t at = r_.offset();
    const std::uint64_t length = r_.u64(field);
    if (length > r_.remaining()) {
      r_.fail_at(at, "string length " + std::to_string(length) + " runs past the end of the file (" +
                         std::to_string(r_.remaining()) + " bytes left)",
                 field);
    }
    return std::string(r_.take_string(length, field));
  }

  GgufType read_type(const std::string& field) {
    const std::uint64_t at = r_.offset();
    const std::uint32_t id = r_.u32(field);
    if (!is_valid_gguf_type(id)) {
      r_.fail_at(at, "unknown GGUF value type " + std::to_string(id), field);
    }
    return static_cast<GgufType>(id);
  }

  GgufValue read_value(GgufType type, const std::string& field, int depth) {
    switch (type) {
      case GgufType::kU8: return GgufValue::unsigned_int(type, r_.read<std::uint8_t>(field));
      case GgufType::kU16: return GgufValue::unsigned_int(type, r_.read<std::uint16_t>(field));
      case GgufType::kU32: return GgufValue::unsigned_int(type, r_.read<std::uint32_t>(field));
      case GgufType::kU64: return GgufValue::unsigned_int(type, r_.read<std::uint64_t>(field));
      case GgufType::kI8: return GgufValue::signed_int(type, r_.read<std::int8_t>(field));
      case GgufType::kI16: return GgufValue::signed_int(type, r_.read<std::int16_t>(field));
      case GgufType::kI32: return GgufValue::signed_int(type, r_.read<std::int32_t>(field));
      case GgufType::kI64: return GgufValue::signed_int(type, r_.read<std::int64_t>(field));
      case GgufType::kF32: return GgufValue::floating(type, r_.read<float>(field));
      case GgufType::kF64: return GgufValue::floating(type, r_.read<double>(field));
      case GgufType::kBool: return GgufValue::boolean(r_.read<std::uint8_t>(field) != 0);
      case GgufType::kString: return GgufValue::string(read_string(field));
      case GgufType::kArray: return read_array(field, depth);
    }
    r_.fail("unknown GGUF value type", field);
  }

  GgufValue read_array(const std::string& field, int depth) {
    const std::uint64_t at = r_.offset();
    if (depth >= GgufHeader::kMaxArrayDepth) {
      r_.fail_at(at, "arrays nest deeper than " + std::to_string(GgufHeader::kMaxArrayDepth) + " levels",
                 field);
    }
    const GgufType element = read_type(field);
    const std::uint64_t count = r_.u64(field);
    const std::size_t size = gguf_type_size(element);
    // Strings take at least their 8-byte length, arrays their type and count.
    const std::uint64_t min_size = size > 0 ? size : (element == GgufType::kString ? 8 : 12);
    if (count > r_.remaining() / min_size) {
      r_.fail_at(at, "array of " + std::to_string(count) + " " +
                         std::string(gguf_type_name(element)) +
                         " values runs past the end of the file (" +
                         std::to_string(r_.remaining()) + " bytes left)",
                 field);
    }
    if (size > 0) {
      const auto bytes = r_.take(count * size, field);
      return GgufValue::fixed_array(element, std::vector<std::byte>(bytes.begin(), bytes.end()));
    }
    if (element == GgufType::kString) {
      std::vector<std::string> strings;
      strings.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, kMaxReserve)));
      for (std::uint64_t i = 0; i < count; ++i) {
        strings.push_back(read_string(field + "[" + std::to_string(i) + "]"));
      }
      return GgufValue::string_array(std::move(strings));
    }
    // Each item of an array of arrays is itself an array: element type, count, elements.
    std::vector<GgufValue> arrays;
    arrays.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, kMaxReserve)));
    for (std::uint64_t i = 0; i < count; ++i) {
      arrays.push_back(read_array(field + "[" + std::to_string(i) + "]", depth + 1));
    }
    return GgufValue::nested_array(std::move(arrays));
  }

  void read_metadata(GgufHeader& h) {
    for (std::uint64_t i = 0; i < n_kv_; ++i) {
      const std::string entry = "metadata[" + std::to_string(i) + "]";
      const std::uint64_t at = r_.offset();
      std::string key = read_string(entry + ".key");
      const GgufType type = read_type(key);
      GgufValue value = read_value(type, key, 0);
      if (!h.metadata.add(key, std::move(value))) {
        r_.fail_at(at, "duplicate metadata key " + key, key);
      }
    }
  }

  void read_alignment(GgufHeader& h) {
    const GgufValue* v = h.metadata.find("general.alignment");
    if (v == nullptr) return;
    if (v->type() != GgufType::kU32) {
      throw input_error("general.alignment must be a u32, not " + v->type_name(),
                        {.file = source_, .field = "general.alignment"});
    }
    const std::uint64_t a = v->as_unsigned();
    if (a == 0 || !std::has_single_bit(a)) {
      throw input_error("general.alignment " + std::to_string(a) + " is not a power of two",
                        {.file = source_, .field = "general.alignment"});
    }
    h.alignment = static_cast<std::uint32_t>(a);
  }

  void read_tensor_infos(GgufHeader& h) {
    h.tensors.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n_tensors_, kMaxReserve)));
    for (std::uint64_t i = 0; i < n_tensors_; ++i) {
      const std::string field = "tensor_infos[" + std::to_string(i) + "]";
      const std::uint64_t at = r_.offset();
      GgufTensorInfo t;
      t.name = read_string(field + ".name");
      const Where where{.file = source_, .offset = at, .field = field, .tensor = t.name};

      const std::uint32_t n_dims = r_.u32(field + ".n_dims");
      if (n_dims > GgufHeader::kMaxDims) {
        throw input_error("tensor has " + std::to_string(n_dims) + " dimensions; GGUF allows at most " +
                              std::to_string(GgufHeader::kMaxDims),
                          where);
      }
      std::vector<std::int64_t> ne;
      for (std::uint32_t d = 0; d < n_dims; ++d) {
        const std::uint64_t dim = r_.u64(field + ".ne");
        if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          throw input_error("dimension " + std::to_string(d) + " is " + std::to_string(dim) +
                                ", too large",
                            where);
        }
        ne.push_back(static_cast<std::int64_t>(dim));
      }
      t.shape.assign(ne.rbegin(), ne.rend());

      t.ggml_type = r_.u32(field + ".type");
      const auto dtype = tensor::dtype_from_ggml(t.ggml_type);
      if (!dtype) {
        const std::string_view name = tensor::ggml_type_name(t.ggml_type);
        throw input_error(name.empty()
                              ? "unknown GGML tensor type " + std::to_string(t.ggml_type)
                              : "GGML tensor type " + std::to_string(t.ggml_type) + " (" +
                                    std::string(name) +
                                    ") was removed from the format; re-convert the file",
                          where);
      }
      t.dtype = *dtype;
      const auto bytes = tensor::checked_byte_size(t.dtype, t.shape);
      if (!bytes) {
        throw input_error("shape " + tensor::shape_string(t.shape) + " of " +
                              std::string(tensor::dtype_name(t.dtype)) + ": " +
                              tensor::byte_size_problem(t.dtype, t.shape),
                          where);
      }
      t.n_bytes = static_cast<std::uint64_t>(*bytes);

      t.offset = r_.u64(field + ".offset");
      if (t.offset % h.alignment != 0) {
        throw input_error("data offset " + std::to_string(t.offset) +
                              " is not a multiple of the alignment " + std::to_string(h.alignment),
                          where);
      }
      if (!h.by_name.emplace(t.name, h.tensors.size()).second) {
        throw input_error("duplicate tensor name", where);
      }
      h.tensors.push_back(std::move(t));
    }
  }

  void place_data(GgufHeader& h) {
    const std::uint64_t end_of_infos = r_.offset();
    h.data_offset = (end_of_infos + h.alignment - 1) / h.alignment * h.alignment;
    if (h.tensors.empty()) return;  // vocabulary-only files may end before the padding
    if (h.data_offset > r_.size()) {
      throw input_error("data section would start at " + std::to_string(h.data_offset) +
                            ", past the end of the file (" + std::to_string(r_.size()) +
                            " bytes; truncated?)",
                        {.file = source_, .offset = end_of_infos});
    }
    const std::uint64_t data_size = r_.size() - h.data_offset;
    for (const GgufTensorInfo& t : h.tensors) {
      if (t.offset > data_size || t.n_bytes > data_size - t.offset) {
        throw input_error("tensor data [" + std::to_string(t.offset) + ", +" +
                              std::to_string(t.n_bytes) + ") runs past the end of the file (" +
                              std::to_string(data_size) + " bytes of data; truncated?)",
                          {.file = source_, .offset = h.data_offset + std::min(t.offset, data_size),
                           .tensor = t.name});
      }
    }
    std::vector<std::size_t> order(h.tensors.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return h.tensors[a].offset < h.tensors[b].offset;
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
      const GgufTensorInfo& prev = h.tensors[order[i - 1]];
      const GgufTensorInfo& cur = h.tensors[order[i]];
      if (cur.offset < prev.offset + prev.n_bytes) {
        throw input_error("tensor data at " + std::to_string(cur.offset) + " overlaps tensor " +
                              prev.name + " [" + std::to_string(prev.offset) + ", " +
                              std::to_string(prev.offset + prev.n_bytes) + ")",
                          {.file = source_, .offset = h.data_offset + cur.offset, .tensor = cur.name});
      }
    }
  }

  ByteReader r_;
  std::string source_;
  std::uint64_t n_tensors_ = 0;
  std::uint64_t n_kv_ = 0;
};

}  // namespace

const GgufTensorInfo* GgufHeader::find(std::string_view name) const {
  const auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : &tensors[it->second];
}

GgufHeader parse_gguf(std::span<const std::byte> file, const std::string& source) {
  return Parser(file, source).parse();
}

GgufFile::GgufFile(const std::filesystem::path& path)
    : map_(path), header_(parse_gguf(map_.bytes(), map_.path())) {}

std::span<const std::byte> GgufFile::data(const GgufTensorInfo& info) const {
  return map_.bytes().subspan(static_cast<std::size_t>(header_.data_offset + info.offset),
                              static_cast<std::size_t>(info.n_bytes));
}

tensor::Tensor GgufFile::tensor(std::string_view name) const {
  const GgufTensorInfo* info = find(name);
  if (info == nullptr) {
    throw not_found_error("no such tensor in the GGUF file",
                          {.file = path(), .tensor = std::string(name)});
  }
  return tensor(*info);
}

tensor::Tensor GgufFile::tensor(const GgufTensorInfo& info) const {
  return tensor::Tensor::view_of(info.dtype, info.shape, data(info));
}

tensor::Tensor GgufFile::tensor_f32(std::string_view name) const {
  const tensor::Tensor t = tensor(name);
  try {
    return t.as_f32();
  } catch (const Error& e) {
    throw e.with({.file = path(), .tensor = std::string(name)});
  }
}

}  // namespace molt::formats
