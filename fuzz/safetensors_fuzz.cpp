// Fuzz target: a whole safetensors file (header parser and validation). Invalid input must
// throw molt::Error; a file that validates must convert every float tensor without reading
// outside the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/safetensors.h"
#include "molt/tensor/convert.h"
#include "molt/tensor/tensor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  try {
    const auto header = molt::formats::parse_safetensors(file, "fuzz.safetensors");
    for (const auto& info : header.tensors) {
      const auto bytes = file.subspan(static_cast<std::size_t>(header.data_offset + info.begin),
                                      static_cast<std::size_t>(info.end - info.begin));
      const auto view = molt::tensor::Tensor::view_of(info.dtype, info.shape, bytes);
      if (molt::tensor::converts_to_f32(info.dtype)) (void)view.to_f32();
      (void)header.find(info.name);
    }
  } catch (const molt::Error&) {
  }
  return 0;
}
