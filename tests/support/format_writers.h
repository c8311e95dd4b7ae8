// Small writers of safetensors and GGUF bytes for tests: valid files to start from, with
// knobs to break them in one place at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace molt::test {

// Little-endian encodings.
std::string le16(std::uint16_t v);
std::string le32(std::uint32_t v);
std::string le64(std::uint64_t v);
std::string f32_bytes(const std::vector<float>& values);

// An 8-byte length, the header text, then the data section.
std::string safetensors_bytes(std::string_view header_json, std::string_view data);

void write_bytes(const std::filesystem::path& path, std::string_view bytes);

class GgufBuilder {
 public:
  GgufBuilder& kv(std::string key, std::uint32_t type, std::string encoded_value);
  GgufBuilder& kv_string(std::string key, std::string_view value);
  GgufBuilder& kv_u32(std::string key, std::uint32_t value);
  GgufBuilder& kv_i32(std::string key, std::int32_t value);
  GgufBuilder& kv_f32(std::string key, float value);
  GgufBuilder& kv_bool(std::string key, bool value);
  GgufBuilder& kv_string_array(std::string key, const std::vector<std::string>& values);
  GgufBuilder& kv_i32_array(std::string key, const std::vector<std::int32_t>& values);
  // Sets general.alignment (u32) and pads the data to it.
  GgufBuilder& alignment(std::uint32_t a);

  // `ne` in GGUF order (innermost first). The data is placed at the next aligned offset
  // unless `offset` is given; empty data is not written (for tensors that point past the end).
  GgufBuilder& tensor(std::string name, std::uint32_t ggml_type, std::vector<std::uint64_t> ne,
                      std::string data, std::optional<std::uint64_t> offset = std::nullopt);

  std::string build() const;

  // Knobs for malformed files.
  std::string magic = "GGUF";
  std::uint32_t version = 3;
  std::optional<std::uint64_t> n_tensors_override;
  std::optional<std::uint64_t> n_kv_override;

  static std::string string(std::string_view s);  // u64 length + bytes

 private:
  struct Tensor {
    std::string name;
    std::uint32_t type;
    std::vector<std::uint64_t> ne;
    std::string data;
    std::optional<std::uint64_t> offset;
  };
  std::vector<std::string> kvs_;
  std::vector<Tensor> tensors_;
  std::uint32_t alignment_ = 32;
};

}  // namespace molt::test
