#include "tests/support/format_writers.h"

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace molt::test {
namespace {

template <class T>
std::string le(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

}  // namespace

std::string le16(std::uint16_t v) { return le(v); }
std::string le32(std::uint32_t v) { return le(v); }
std::string le64(std::uint64_t v) { return le(v); }

std::string f32_bytes(const std::vector<float>& values) {
  std::string out(values.size() * 4, '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::string safetensors_bytes(std::string_view header_json, std::string_view data) {
  return le64(header_json.size()) + std::string(header_json) + std::string(data);
}

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string GgufBuilder::string(std::string_view s) { return le64(s.size()) + std::string(s); }

GgufBuilder& GgufBuilder::kv(std::string key, std::uint32_t type, std::string encoded_value) {
  kvs_.push_back(string(key) + le32(type) + encoded_value);
  return *this;
}
GgufBuilder& GgufBuilder::kv_string(std::string key, std::string_view value) {
  return kv(std::move(key), 8, string(value));
}
GgufBuilder& GgufBuilder::kv_u32(std::string key, std::uint32_t value) {
  return kv(std::move(key), 4, le32(value));
}
GgufBuilder& GgufBuilder::kv_i32(std::string key, std::int32_t value) {
  return kv(std::move(key), 5, le(value));
}
GgufBuilder& GgufBuilder::kv_f32(std::string key, float value) {
  return kv(std::move(key), 6, le(value));
}
GgufBuilder& GgufBuilder::kv_bool(std::string key, bool value) {
  return kv(std::move(key), 7, std::string(1, value ? '\1' : '\0'));
}
GgufBuilder& GgufBuilder::kv_string_array(std::string key, const std::vector<std::string>& values) {
  std::string v = le32(8) + le64(values.size());
  for (const std::string& s : values) v += string(s);
  return kv(std::move(key), 9, v);
}
GgufBuilder& GgufBuilder::kv_i32_array(std::string key, const std::vector<std::int32_t>& values) {
  std::string v = le32(5) + le64(values.size());
  for (const std::int32_t x : values) v += le(x);
  return kv(std::move(key), 9, v);
}
GgufBuilder& GgufBuilder::alignment(std::uint32_t a) {
  alignment_ = a;
  return kv_u32("general.alignment", a);
}

GgufBuilder& GgufBuilder::tensor(std::string name, std::uint32_t ggml_type,
                                 std::vector<std::uint64_t> ne, std::string data,
                                 std::optional<std::uint64_t> offset) {
  tensors_.push_back({std::move(name), ggml_type, std::move(ne), std::move(data), offset});
  return *this;
}

std::string GgufBuilder::build() const {
  const auto pad = [&](std::uint64_t n) { return (n + alignment_ - 1) / alignment_ * alignment_; };
  std::string out = magic + le32(version) + le64(n_tensors_override.value_or(tensors_.size())) +
                    le64(n_kv_override.value_or(kvs_.size()));
  for (const std::string& kv : kvs_) out += kv;
  // Data placement: each tensor at the next aligned offset unless told otherwise.
  std::vector<std::uint64_t> offsets;
  std::uint64_t next = 0;
  for (const Tensor& t : tensors_) {
    offsets.push_back(t.offset.value_or(next));
    next = pad(offsets.back() + t.data.size());
  }
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    const Tensor& t = tensors_[i];
    out += string(t.name) + le32(static_cast<std::uint32_t>(t.ne.size()));
    for (const std::uint64_t d : t.ne) out += le64(d);
    out += le32(t.type) + le64(offsets[i]);
  }
  if (tensors_.empty()) return out;
  out.resize(pad(out.size()), '\0');
  const std::size_t data_start = out.size();
  for (std::size_t i = 0; i < tensors_.size(); ++i) {
    if (tensors_[i].data.empty()) continue;
    const std::size_t at = data_start + offsets[i];
    if (out.size() < at + tensors_[i].data.size()) out.resize(at + tensors_[i].data.size(), '\0');
    std::memcpy(out.data() + at, tensors_[i].data.data(), tensors_[i].data.size());
  }
  return out;
}

}  // namespace molt::test
