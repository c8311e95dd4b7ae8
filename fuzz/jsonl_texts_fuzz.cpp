// Fuzz target: one JSONL text record (CONTRACT.md input). Malformed input must throw
// molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/jsonl_texts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  try {
    (void)molt::formats::parse_text_record(line, 1, "fuzz");
  } catch (const molt::Error&) {
  }
  return 0;
}
