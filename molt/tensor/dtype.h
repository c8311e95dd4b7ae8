// DType: the element types of molt's tensors — everything safetensors and GGUF files store,
// GGML's block-quantized types included — with each type's block geometry, so that the byte
// size of any tensor in any file can be validated before it is touched.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace molt::tensor {

// Plain types hold one value per element. GGML's quantized types pack `block_size`
// consecutive values of a row (along the last, contiguous dimension) into `block_bytes`
// bytes. The enum's values are molt's own; ggml_type_id() gives GGUF's numbering.
enum class DType : std::uint8_t {
  kF64, kF32, kF16, kBF16,
  kI64, kI32, kI16, kI8,
  kU64, kU32, kU16, kU8,
  kBool,
  kF8E4M3, kF8E5M2,
  // GGML block types (ggml-common.h).
  kQ4_0, kQ4_1, kQ5_0, kQ5_1, kQ8_0, kQ8_1,
  kQ2_K, kQ3_K, kQ4_K, kQ5_K, kQ6_K, kQ8_K,
  kIQ2_XXS, kIQ2_XS, kIQ3_XXS, kIQ1_S, kIQ4_NL, kIQ3_S, kIQ2_S, kIQ4_XS, kIQ1_M,
  kTQ1_0, kTQ2_0, kMXFP4,
};

struct DTypeInfo {
  DType dtype;
  std::string_view name;         // "F32", "BF16", "Q4_K": the spelling of safetensors and ggml
  std::int64_t block_size;       // values per block; 1 for plain types
  std::int64_t block_bytes;      // bytes per block
  std::int32_t ggml_id;          // GGUF tensor type id, or -1 when GGUF has none
  bool safetensors;              // a safetensors dtype string (name) exists
  bool converts_to_f32;          // convert_to_f32() accepts it (float and supported quantized)
};

const DTypeInfo& dtype_info(DType dtype);
inline std::string_view dtype_name(DType dtype) { return dtype_info(dtype).name; }
inline bool is_quantized(DType dtype) { return dtype_info(dtype).block_size > 1; }

// Every dtype, in enum order (for tables and tests).
std::span<const DTypeInfo> all_dtypes();

// "F32", "I64", ... as safetensors' header writes them; nullopt for anything else.
std::optional<DType> dtype_from_safetensors(std::string_view name);
// GGUF's ggml_type id; nullopt for ids that are unknown or were removed from the format.
std::optional<DType> dtype_from_ggml(std::uint32_t id);
// A name for any GGML type id, including removed ones ("Q4_2"), for error messages;
// empty when the id was never assigned.
std::string_view ggml_type_name(std::uint32_t id);

}  // namespace molt::tensor
