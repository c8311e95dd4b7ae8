// Tiny GGUF model files for tests, laid out as llama.cpp's converter writes them: general.*
// and "<arch>.*" metadata, a WordPiece vocabulary in tokenizer.ggml.* (phantom-space tokens),
// and every tensor of the "bert" or "nomic-bert" architecture with seeded random values —
// with knobs to change one key, tensor or type at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/format_writers.h"

namespace molt::test {

struct TinyGgufSpec {
  std::string architecture = "bert";  // "bert" or "nomic-bert" (anything else: written as "bert")
  std::string general_architecture;   // general.architecture; empty: `architecture`
  int hidden = 32;                    // a multiple of 32, so that every matrix can be Q8_0
  int heads = 2;
  int layers = 1;
  int ffn = 64;
  int context = 16;
  std::optional<std::uint32_t> pooling_type = 1;  // <arch>.pooling_type; nullopt: absent
  std::uint32_t seed = 1;
  // GGML type ids by tensor name: F32 (0), F16 (1) and Q8_0 (8) encode the values; any
  // other id gets bytes of the size that type needs. Unlisted tensors are F32.
  std::map<std::string, std::uint32_t> tensor_types;
  std::vector<std::string> omit_tensors;
  std::vector<std::string> omit_keys;               // metadata keys left out
  std::map<std::string, std::uint32_t> extra_u32;   // metadata added (or replacing a u32 key)
  std::map<std::string, std::string> extra_strings;
  std::map<std::string, bool> extra_bools;
};

// The vocabulary's tokens as the model sees them: "[PAD]" "[UNK]" "[CLS]" "[SEP]" "[MASK]"
// (ids 0-4), then words ("hello" is 5, "world" 6, ...) and a few "##" pieces.
std::vector<std::string> tiny_gguf_vocabulary();

// The whole file.
std::string tiny_gguf_model(const TinyGgufSpec& spec);

}  // namespace molt::test
