// Fuzz target: JSONL document lines as `molt ingest` and `molt import` read them (ids,
// texts, metadata, vectors). Every line of the input is parsed; malformed lines must throw
// molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/formats/jsonl_documents.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::int64_t line_no = 0;
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    try {
      (void)molt::formats::parse_document_line(line, ++line_no, "fuzz.jsonl");
    } catch (const molt::Error&) {
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
