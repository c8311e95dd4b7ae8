#include "molt/index/vector_codec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "molt/base/error.h"

namespace molt::index {

const char* vector_storage_name(VectorStorage storage) {
  return storage == VectorStorage::kInt8 ? "int8" : "f32";
}

VectorStorage parse_vector_storage(std::string_view name) {
  if (name == "f32") return VectorStorage::kF32;
  if (name == "int8") return VectorStorage::kInt8;
  throw usage_error("unknown vector storage '" + std::string(name) + "' (valid: f32, int8)",
                    {.field = "storage"});
}

std::size_t encoded_size(VectorStorage storage, std::size_t dim) {
  return storage == VectorStorage::kInt8 ? sizeof(float) + dim : dim * sizeof(float);
}

void encode_vector(VectorStorage storage, std::span<const float> v, std::string& out) {
  if (storage == VectorStorage::kF32) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size_bytes());
    return;
  }
  float max_abs = 0.0f;
  for (const float x : v) max_abs = std::max(max_abs, std::fabs(x));
  const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
  char scale_bytes[sizeof(float)];
  std::memcpy(scale_bytes, &scale, sizeof(float));
  out.append(scale_bytes, sizeof(float));
  const float inv = 1.0f / scale;
  for (const float x : v) {
    const float q = std::clamp(std::nearbyint(x * inv), -127.0f, 127.0f);
    out.push_back(static_cast<char>(static_cast<std::int8_t>(q)));
  }
}

void decode_vector(VectorStorage storage, std::span<const std::byte> blob, std::span<float> out) {
  if (blob.size() != encoded_size(storage, out.size())) {
    throw internal_error("a stored vector has " + std::to_string(blob.size()) + " bytes, expected " +
                         std::to_string(encoded_size(storage, out.size())));
  }
  if (storage == VectorStorage::kF32) {
    std::memcpy(out.data(), blob.data(), blob.size());
    return;
  }
  float scale;
  std::memcpy(&scale, blob.data(), sizeof(float));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = scale * static_cast<float>(static_cast<std::int8_t>(blob[sizeof(float) + i]));
  }
}

}  // namespace molt::index
