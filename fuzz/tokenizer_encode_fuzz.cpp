// Fuzz target: text → ids. The first byte chooses the normalizer options and a max length;
// the rest is the text (any bytes: ill-formed UTF-8 must become U+FFFD, never a crash). The
// ids must respect the max length and lie in the vocabulary; the untruncated length must
// bound them; the pair path is run on the two halves.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/tokenizer/tokenizer.h"

namespace {

using molt::tokenizer::Tokenizer;

// A small vocabulary with pieces of several scripts, continuations, specials and a lower-case
// added token (the lower-cased matching path).
Tokenizer make_tokenizer(int variant) {
  const char* const pieces[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<mask>", "the", "a", "b", "c",
                                "##a",   "##b",   "##c",   "##s",   "un",     "##aff",  "##able", ".", ",", "!",
                                "[",     "]",     "e",     "é",     "中",     "文",     "ᄒ",     "##ᅡ", "σ", "ς",
                                "i",     "x",     "##x",   "1",     "##1",    "—",      "🙂",     "ab", "##ab", "th"};
  nlohmann::json vocab = nlohmann::json::object();
  for (std::size_t i = 0; i < std::size(pieces); ++i) vocab[pieces[i]] = i;
  nlohmann::json added = nlohmann::json::array();
  for (const char* s : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<mask>"}) {
    added.push_back({{"id", vocab[s]}, {"content", s}, {"single_word", variant & 8 ? std::string(s) == "<mask>" : false},
                     {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  nlohmann::json strip = nullptr;
  if (variant & 4) strip = (variant & 2) != 0;
  const nlohmann::json j = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", {{"type", "BertNormalizer"}, {"clean_text", (variant & 16) == 0}, {"handle_chinese_chars", (variant & 32) == 0},
                      {"strip_accents", strip}, {"lowercase", (variant & 1) != 0}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor", {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}}},
      {"decoder", nullptr},
      {"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
                 {"max_input_chars_per_word", 12}, {"vocab", vocab}}},
  };
  return Tokenizer::from_tokenizer_json_text(j.dump(), "fuzz");
}

const Tokenizer& tokenizer_for(int variant) {
  static const std::array<Tokenizer, 64> tokenizers = [] {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<Tokenizer, 64>{make_tokenizer(static_cast<int>(I))...};
    }(std::make_index_sequence<64>{});
  }();
  return tokenizers[static_cast<std::size_t>(variant)];
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Tokenizer& tok = tokenizer_for(data[0] & 63);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  molt::tokenizer::EncodeOptions options;
  options.want_tokens = true;
  options.max_length = (data[0] & 64) ? 2 + (size % 13) : 0;
  options.count_untruncated = (data[0] & 128) == 0;
  const auto e = tok.encode(text, options);
  check(e.ids.size() == e.tokens.size() && e.ids.size() == e.type_ids.size());
  check(options.max_length == 0 || e.ids.size() <= options.max_length);
  check(e.n_untruncated >= e.ids.size() && e.ids.size() >= 2);
  for (const std::int32_t id : e.ids) check(id >= 0 && static_cast<std::size_t>(id) < tok.vocab_size());
  if (options.count_untruncated) check(e.n_untruncated == tok.encode(text).ids.size());

  options.max_length = (data[0] & 64) ? 3 + (size % 11) : 0;
  options.count_untruncated = true;
  const auto p = tok.encode_pair(text.substr(0, text.size() / 2), text.substr(text.size() / 2), options);
  check(options.max_length == 0 || p.ids.size() <= options.max_length);
  check(p.n_untruncated >= p.ids.size());
  (void)molt::tokenizer::python_lower(text);
  (void)molt::tokenizer::python_strip(text);
  return 0;
}
