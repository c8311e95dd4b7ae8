// Fuzz target: tokenizer.json bytes. A malformed or unsupported file must throw molt::Error;
// a file that loads must tokenize any text (the input itself included) without crashing,
// with ids inside the vocabulary.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const molt::tokenizer::Tokenizer tok = molt::tokenizer::Tokenizer::from_tokenizer_json_text(bytes, "fuzz.json");
    molt::tokenizer::EncodeOptions options;
    options.want_tokens = true;
    for (const std::string_view text : {std::string_view("Hello, WORLD! [CLS] café 中文 \xff"), bytes.substr(0, 256)}) {
      const auto e = tok.encode(text, options);
      for (const std::int32_t id : e.ids) {
        if (id < 0 || static_cast<std::size_t>(id) >= tok.vocab_size()) std::abort();
      }
      (void)tok.encode_pair(text, text, options);
    }
  } catch (const molt::Error&) {
  }
  return 0;
}
