// Fuzz target: one JSONL token-id record (`molt bench` input, `molt tokenize` output).
// Malformed input must throw molt::Error, nothing else; a record that parses holds ids in
// [0, 2^31).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/jsonl_token_ids.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  (void)molt::formats::has_token_ids(line);
  try {
    if (const auto rec = molt::formats::parse_token_id_record(line, 1, "fuzz")) {
      for (const std::int32_t id : rec->ids) {
        if (id < 0) std::abort();
      }
    }
  } catch (const molt::Error&) {
  }
  return 0;
}
