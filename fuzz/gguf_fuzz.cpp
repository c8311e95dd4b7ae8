// Fuzz target: a whole GGUF file (header, metadata, tensor infos, placement). Invalid input
// must throw molt::Error; a file that validates must yield every metadata value and convert
// every supported tensor without reading outside the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/gguf.h"
#include "molt/tensor/convert.h"
#include "molt/tensor/tensor.h"

namespace {

void visit(const molt::formats::GgufValue& v) {
  (void)v.type_name();
  if (!v.is_array()) return;
  for (std::size_t i = 0; i < v.array_size(); ++i) visit(v.element(i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  try {
    const auto header = molt::formats::parse_gguf(file, "fuzz.gguf");
    for (const auto& [key, value] : header.metadata.entries()) visit(value);
    try {
      (void)header.metadata.get_string_array("tokenizer.ggml.tokens");
      (void)header.metadata.get_i32_array("tokenizer.ggml.token_type");
    } catch (const molt::Error&) {
    }
    for (const auto& info : header.tensors) {
      const auto bytes = file.subspan(static_cast<std::size_t>(header.data_offset + info.offset),
                                      static_cast<std::size_t>(info.n_bytes));
      const auto view = molt::tensor::Tensor::view_of(info.dtype, info.shape, bytes);
      if (molt::tensor::converts_to_f32(info.dtype)) (void)view.to_f32();
    }
  } catch (const molt::Error&) {
  }
  return 0;
}
