#include "molt/tensor/dtype.h"

#include <array>

#include "molt/base/check.h"

namespace molt::tensor {
namespace {

// Block geometry of the GGML types as ggml.c's type_traits table gives it
// (QK_K = 256 values per super-block).
constexpr std::array<DTypeInfo, 39> kInfos = {{
    {DType::kF64, "F64", 1, 8, 28, true, true},
    {DType::kF32, "F32", 1, 4, 0, true, true},
    {DType::kF16, "F16", 1, 2, 1, true, true},
    {DType::kBF16, "BF16", 1, 2, 30, true, true},
    {DType::kI64, "I64", 1, 8, 27, true, false},
    {DType::kI32, "I32", 1, 4, 26, true, false},
    {DType::kI16, "I16", 1, 2, 25, true, false},
    {DType::kI8, "I8", 1, 1, 24, true, false},
    {DType::kU64, "U64", 1, 8, -1, true, false},
    {DType::kU32, "U32", 1, 4, -1, true, false},
    {DType::kU16, "U16", 1, 2, -1, true, false},
    {DType::kU8, "U8", 1, 1, -1, true, false},
    {DType::kBool, "BOOL", 1, 1, -1, true, false},
    {DType::kF8E4M3, "F8_E4M3", 1, 1, -1, true, false},
    {DType::kF8E5M2, "F8_E5M2", 1, 1, -1, true, false},
    {DType::kQ4_0, "Q4_0", 32, 18, 2, false, true},
    {DType::kQ4_1, "Q4_1", 32, 20, 3, false, true},
    {DType::kQ5_0, "Q5_0", 32, 22, 6, false, true},
    {DType::kQ5_1, "Q5_1", 32, 24, 7, false, true},
    {DType::kQ8_0, "Q8_0", 32, 34, 8, false, true},
    {DType::kQ8_1, "Q8_1", 32, 36, 9, false, false},
    {DType::kQ2_K, "Q2_K", 256, 84, 10, false, false},
    {DType::kQ3_K, "Q3_K", 256, 110, 11, false, false},
    {DType::kQ4_K, "Q4_K", 256, 144, 12, false, true},
    {DType::kQ5_K, "Q5_K", 256, 176, 13, false, true},
    {DType::kQ6_K, "Q6_K", 256, 210, 14, false, true},
    {DType::kQ8_K, "Q8_K", 256, 292, 15, false, false},
    {DType::kIQ2_XXS, "IQ2_XXS", 256, 66, 16, false, false},
    {DType::kIQ2_XS, "IQ2_XS", 256, 74, 17, false, false},
    {DType::kIQ3_XXS, "IQ3_XXS", 256, 98, 18, false, false},
    {DType::kIQ1_S, "IQ1_S", 256, 50, 19, false, false},
    {DType::kIQ4_NL, "IQ4_NL", 32, 18, 20, false, false},
    {DType::kIQ3_S, "IQ3_S", 256, 110, 21, false, false},
    {DType::kIQ2_S, "IQ2_S", 256, 82, 22, false, false},
    {DType::kIQ4_XS, "IQ4_XS", 256, 136, 23, false, false},
    {DType::kIQ1_M, "IQ1_M", 256, 56, 29, false, false},
    {DType::kTQ1_0, "TQ1_0", 256, 54, 34, false, false},
    {DType::kTQ2_0, "TQ2_0", 256, 66, 35, false, false},
    {DType::kMXFP4, "MXFP4", 32, 17, 39, false, false},
}};

// GGML type ids that were assigned and later removed from the format; files using them
// cannot be read by current llama.cpp either.
struct RemovedType {
  std::uint32_t id;
  std::string_view name;
};
constexpr std::array<RemovedType, 8> kRemoved = {{
    {4, "Q4_2"}, {5, "Q4_3"}, {31, "Q4_0_4_4"}, {32, "Q4_0_4_8"}, {33, "Q4_0_8_8"},
    {36, "IQ4_NL_4_4"}, {37, "IQ4_NL_4_8"}, {38, "IQ4_NL_8_8"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kInfos.size(); ++i) {
    if (static_cast<std::size_t>(kInfos[i].dtype) != i) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "kInfos must list the dtypes in enum order");

}  // namespace

const DTypeInfo& dtype_info(DType dtype) {
  const auto i = static_cast<std::size_t>(dtype);
  MOLT_CHECK(i < kInfos.size());
  return kInfos[i];
}

std::span<const DTypeInfo> all_dtypes() { return kInfos; }

std::optional<DType> dtype_from_safetensors(std::string_view name) {
  for (const DTypeInfo& info : kInfos) {
    if (info.safetensors && info.name == name) return info.dtype;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_ggml(std::uint32_t id) {
  for (const DTypeInfo& info : kInfos) {
    if (info.ggml_id >= 0 && static_cast<std::uint32_t>(info.ggml_id) == id) return info.dtype;
  }
  return std::nullopt;
}

std::string_view ggml_type_name(std::uint32_t id) {
  if (const auto dtype = dtype_from_ggml(id)) return dtype_info(*dtype).name;
  for (const RemovedType& removed : kRemoved) {
    if (removed.id == id) return removed.name;
  }
  return {};
}

}  // namespace molt::tensor
