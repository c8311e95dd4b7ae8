// Fuzz target: id lists beside vector files, as text (one id per line) and as a JSON array.
// Malformed input must throw molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/id_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const bool json : {false, true}) {
    try {
      (void)molt::formats::parse_id_list(bytes, json, "fuzz.ids");
    } catch (const molt::Error&) {
    }
  }
  return 0;
}
