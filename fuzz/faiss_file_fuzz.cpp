// Fuzz target: a whole FAISS index file (molt's bounds-checked walk of FAISS's format, then
// FAISS's own reader on what passed, then every vector read back). Invalid input must throw
// molt::Error; a file that passes the walk must never make FAISS misbehave.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/index/faiss_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data), size);
  try {
    const molt::index::FaissVectors v = molt::index::read_faiss_vectors(file, "fuzz.faiss");
    float sum = 0.0f;
    for (const float x : v.vectors) sum += x;  // touch every value
    (void)sum;
  } catch (const molt::Error&) {
  }
  return 0;
}
