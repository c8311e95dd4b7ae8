// Fuzz target: the English analyzer (UAX #29 tokenizer, possessive, lower-case, stop words,
// Porter) on arbitrary bytes, valid UTF-8 or not. It must never crash, and its tokens must be
// well-formed: non-empty terms, increasing positions, ordered in-bounds byte offsets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/index/english_analyzer.h"
#include "molt/index/porter_stemmer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const molt::index::EnglishAnalyzer analyzer;
  std::size_t last_end = 0;
  std::int64_t last_position = -1;
  analyzer.analyze(text, [&](const molt::index::AnalyzedToken& t) {
    if (t.term.empty() || t.begin >= t.end || t.end > text.size() || t.begin < last_end ||
        static_cast<std::int64_t>(t.position) <= last_position) {
      std::abort();
    }
    last_end = t.end;
    last_position = t.position;
  });
  (void)molt::index::porter_stem(text);
  return 0;
}
