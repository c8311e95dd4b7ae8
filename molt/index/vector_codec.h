// Vectors at rest (the store keeps them as SQLite blobs): f32 (exact), or int8 scalar
// quantization with one f32 scale per vector (x ~= scale * q, q in [-127, 127],
// scale = max|x| / 127): a quarter of the bytes, each component within scale / 2 of the
// original. Blobs are little-endian; decode validates their size.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace molt::index {

enum class VectorStorage { kF32, kInt8 };

const char* vector_storage_name(VectorStorage storage);  // "f32", "int8"
// Throws usage_error for an unknown name.
VectorStorage parse_vector_storage(std::string_view name);

std::size_t encoded_size(VectorStorage storage, std::size_t dim);

// Appends the blob of one vector (dim = v.size()) to `out`.
void encode_vector(VectorStorage storage, std::span<const float> v, std::string& out);

// Decodes one blob into out f32 [dim]. Throws internal_error when the blob's size is not
// encoded_size(storage, dim) (a store written by something else).
void decode_vector(VectorStorage storage, std::span<const std::byte> blob, std::span<float> out);

}  // namespace molt::index
