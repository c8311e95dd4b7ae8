#include "molt/formats/npy.h"

#include <cstring>
#include <limits>
#include <set>
#include <string_view>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/base/mapped_file.h"
#include "molt/formats/byte_reader.h"
#include "molt/tensor/convert.h"

namespace molt::formats {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlign = 64;  // NumPy pads headers so that data starts 64-aligned

// A recursive-descent reader of the small subset of Python literals NumPy writes in .npy
// headers: a dict of quoted-string keys whose values are strings, True/False, or tuples of
// integers.
class DictParser {
 public:
  DictParser(std::string_view text, std::uint64_t base, const std::string& source)
      : text_(text), base_(base), source_(source) {}

  NpyHeader parse() {
    NpyHeader h;
    std::set<std::string> keys;
    skip_space();
    expect('{');
    skip_space();
    while (peek() != '}') {
      const std::size_t key_at = pos_;
      const std::string key = parse_string();
      if (!keys.insert(key).second) fail(key_at, "header has the key '" + key + "' twice");
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() == '[') fail(pos_, "structured dtypes are not supported");
        h.descr = parse_string();
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        h.shape = parse_shape();
      } else {
        fail(key_at, "header has an unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != '}') {
        fail(pos_, "expected ',' or '}' in the header dict");
      }
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail(pos_, "unexpected text after the header dict");
    for (const char* required : {"descr", "fortran_order", "shape"}) {
      if (keys.count(required) == 0) {
        fail(0, std::string("header lacks the key '") + required + "'");
      }
    }
    return h;
  }

 private:
  char peek() const {
    if (pos_ >= text_.size()) fail(pos_, "header dict ends early");
    return text_[pos_];
  }
  void expect(char c) {
    if (peek() != c) fail(pos_, std::string("expected '") + c + "' in the header dict");
    ++pos_;
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(pos_, "expected a quoted string in the header dict");
    const std::size_t start = ++pos_;
    while (peek() != quote) {
      if (text_[pos_] == '\\') fail(pos_, "escapes in header strings are not supported");
      ++pos_;
    }
    return std::string(text_.substr(start, pos_++ - start));
  }
  bool parse_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail(pos_, "'fortran_order' must be True or False");
  }
  tensor::Shape parse_shape() {
    tensor::Shape shape;
    expect('(');
    skip_space();
    while (peek() != ')') {
      if (peek() < '0' || peek() > '9') fail(pos_, "'shape' must be a tuple of non-negative integers");
      std::int64_t d = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const int digit = text_[pos_] - '0';
        if (d > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
          fail(pos_, "a 'shape' dimension is too large");
        }
        d = d * 10 + digit;
        ++pos_;
      }
      if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long literals
      shape.push_back(d);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != ')') {
        fail(pos_, "expected ',' or ')' in 'shape'");
      }
    }
    ++pos_;
    return shape;
  }
  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    throw input_error(what, {.file = source_, .offset = base_ + at, .field = "header"});
  }

  std::string_view text_;
  std::uint64_t base_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

// Item size of a simple dtype string like "<f4", "|u1", "|b1"; nullopt otherwise.
std::optional<std::uint64_t> simple_item_size(std::string_view descr) {
  std::size_t i = 0;
  if (i < descr.size() && std::string_view("<>|=").find(descr[i]) != std::string_view::npos) ++i;
  if (i >= descr.size() || std::string_view("biufc?").find(descr[i]) == std::string_view::npos) {
    return std::nullopt;
  }
  ++i;
  if (i == descr.size() || descr.size() - i > 2) return std::nullopt;
  std::uint64_t size = 0;
  for (; i < descr.size(); ++i) {
    if (descr[i] < '0' || descr[i] > '9') return std::nullopt;
    size = size * 10 + static_cast<std::uint64_t>(descr[i] - '0');
  }
  if (size == 0) return std::nullopt;
  return size;
}

}  // namespace

NpyHeader parse_npy_header(std::span<const std::byte> file, const std::string& source) {
  ByteReader r(file, source);
  if (file.size() < kMagic.size() ||
      std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0) {
    r.fail_at(0, "not a .npy file (it does not start with \\x93NUMPY)", "magic");
  }
  r.take(kMagic.size(), "magic");
  const int major = r.u8("version");
  const int minor = r.u8("version");
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    r.fail_at(6, "unsupported .npy format version " + std::to_string(major) + "." +
                     std::to_string(minor) + " (molt reads 1.0, 2.0 and 3.0)",
              "version");
  }
  const std::uint64_t header_length = major == 1 ? r.u16("header_length") : r.u32("header_length");
  const std::uint64_t text_at = r.offset();
  if (header_length > r.remaining()) {
    r.fail_at(8, "header length " + std::to_string(header_length) +
                     " runs past the end of the file (" + std::to_string(file.size()) + " bytes)",
              "header_length");
  }
  const std::string_view text = r.take_string(header_length, "header");
  NpyHeader h = DictParser(text, text_at, source).parse();
  h.major = major;
  h.minor = minor;
  h.data_offset = r.offset();
  h.item_size = simple_item_size(h.descr);
  const auto n = tensor::checked_element_count(h.shape);
  if (!n) r.fail_at(text_at, "'shape' " + tensor::shape_string(h.shape) + " has too many elements", "shape");
  if (h.item_size && *h.item_size > 0 &&
      static_cast<std::uint64_t>(*n) > std::numeric_limits<std::uint64_t>::max() / *h.item_size) {
    r.fail_at(text_at, "'shape' " + tensor::shape_string(h.shape) + " is too large", "shape");
  }
  return h;
}

tensor::Tensor read_npy(std::span<const std::byte> file, const std::string& source) {
  const NpyHeader h = parse_npy_header(file, source);
  const Where where{.file = source, .offset = h.data_offset, .field = "descr"};
  if (h.descr != "<f4" && h.descr != "<f2" && h.descr != "<f8") {
    throw input_error("unsupported dtype '" + h.descr +
                          "' (molt reads little-endian float arrays: '<f4', '<f2', '<f8')",
                      where);
  }
  if (h.fortran_order) {
    throw input_error("Fortran-order arrays are not supported; save a C-order array "
                      "(numpy.ascontiguousarray)",
                      {.file = source, .offset = h.data_offset, .field = "fortran_order"});
  }
  const std::uint64_t n = static_cast<std::uint64_t>(*tensor::checked_element_count(h.shape));
  const std::uint64_t expected = n * *h.item_size;
  const std::uint64_t actual = file.size() - h.data_offset;
  if (actual != expected) {
    throw input_error("array data is " + std::to_string(actual) + " bytes, but shape " +
                          tensor::shape_string(h.shape) + " of '" + h.descr + "' needs " +
                          std::to_string(expected) + (actual < expected ? " (truncated?)" : ""),
                      {.file = source, .offset = h.data_offset, .field = "shape"});
  }
  const tensor::DType dtype = h.descr == "<f4"   ? tensor::DType::kF32
                              : h.descr == "<f2" ? tensor::DType::kF16
                                                 : tensor::DType::kF64;
  tensor::Tensor out = tensor::Tensor::zeros(tensor::DType::kF32, h.shape);
  tensor::convert_to_f32(dtype, file.subspan(static_cast<std::size_t>(h.data_offset)),
                         out.mutable_values<float>());
  return out;
}

tensor::Tensor read_npy_file(const std::filesystem::path& path) {
  const MappedFile map(path);
  return read_npy(map.bytes(), map.path());
}

std::string npy_header_f32(std::span<const std::int64_t> shape) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) dict += ", ";
    dict += std::to_string(shape[i]);
  }
  if (shape.size() == 1) dict += ",";
  dict += "), }";
  // Prefix: magic, version, then a u16 (1.0) or u32 (2.0) length. The dict, padded with
  // spaces and ended by a newline, makes the whole header a multiple of 64 bytes.
  const auto padded = [&](std::size_t prefix) {
    return (prefix + dict.size() + 1 + kAlign - 1) / kAlign * kAlign - prefix;
  };
  const bool v2 = padded(kMagic.size() + 4) > 0xffff;
  const std::size_t length = padded(kMagic.size() + (v2 ? 6 : 4));
  dict.append(length - dict.size() - 1, ' ');
  dict += '\n';

  std::string out(kMagic);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((length >> (8 * i)) & 0xff);
  out += dict;
  return out;
}

std::string encode_npy_f32(std::span<const std::int64_t> shape, std::span<const float> values) {
  const auto n = tensor::checked_element_count(shape);
  MOLT_CHECK(n && static_cast<std::size_t>(*n) == values.size());
  std::string out = npy_header_f32(shape);
  const std::size_t header = out.size();
  out.resize(header + values.size_bytes());
  if (!values.empty()) std::memcpy(out.data() + header, values.data(), values.size_bytes());
  return out;
}

void write_npy_f32(const std::filesystem::path& path, std::span<const std::int64_t> shape,
                   std::span<const float> values) {
  write_file_atomic(path, encode_npy_f32(shape, values));
}

}  // namespace molt::formats
