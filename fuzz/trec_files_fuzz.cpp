// Fuzz target: the qrels and TREC run readers on arbitrary text. Malformed input must throw
// molt::Error, nothing else; a run that parses must format and parse back to the same run.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/eval/qrels.h"
#include "molt/eval/trec_run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)molt::eval::parse_qrels(text, "fuzz");
  } catch (const molt::Error&) {
  }
  try {
    const molt::eval::Run run = molt::eval::parse_trec_run(text, "fuzz");
    const molt::eval::Run back = molt::eval::parse_trec_run(molt::eval::format_trec_run(run), "fuzz");
    if (back.n_retrieved() != run.n_retrieved()) std::abort();
  } catch (const molt::Error&) {
  }
  return 0;
}
