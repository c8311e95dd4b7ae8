// Fuzz target: a whole GGUF file as a model — what molt reads beyond the format itself: the
// architecture's "<arch>.*" hyper-parameters, llama.cpp's tensor names and shapes, tensor
// types converted at load, the pooling type, the WordPiece vocabulary — then a forward pass
// on two short texts. Invalid input must throw molt::Error; a model that loads must embed
// without reading outside what it validated (AddressSanitizer) and give finite numbers or
// NaN/inf only from the file's own values.
//
// The runtime loads models from paths (memory-mapped), so each input is written to a file in
// a private folder first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/runtime/encoder.h"

namespace {

// A folder of this process's own (libFuzzer may run several jobs side by side), holding no
// sentence-transformers files: the file alone is the model.
const std::filesystem::path& input_path() {
  static const std::filesystem::path path = [] {
    const char* tmp = std::getenv("TMPDIR");
    const std::filesystem::path dir = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
                                      ("molt-fuzz-gguf-model-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / "input.gguf";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    molt::runtime::EncoderOptions options;
    options.n_threads = 1;
    const auto encoder = molt::runtime::Encoder::load(input_path(), options);
    const std::vector<std::string> texts = {"hello worlds", "[CLS] the helloing [SEP] x"};
    const auto e = encoder.embed(texts);
    if (e.values.size() != texts.size() * encoder.dim()) std::abort();
    molt::runtime::EmbedOptions small;
    small.dim = 1;
    (void)encoder.embed(texts, small);
  } catch (const molt::Error&) {
  }
  return 0;
}
