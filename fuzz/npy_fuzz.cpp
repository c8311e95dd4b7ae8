// Fuzz target: a whole .npy file (header dict parser, size checks, conversion to float32).
// Invalid input must throw molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  try {
    (void)molt::formats::parse_npy_header(file, "fuzz.npy");
    (void)molt::formats::read_npy(file, "fuzz.npy");
  } catch (const molt::Error&) {
  }
  return 0;
}
