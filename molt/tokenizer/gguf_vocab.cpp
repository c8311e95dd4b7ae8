#include "molt/tokenizer/gguf_vocab.h"

#include <algorithm>
#include <string>
#include <vector>

#include "molt/base/error.h"
#include "molt/formats/gguf.h"

namespace molt::tokenizer {
namespace {

// llama.cpp's llama_token_type.
enum TokenType : std::int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

constexpr std::string_view kPhantomSpace = "\xE2\x96\x81";  // U+2581

// The Hugging Face form of a phantom-space token (the inverse of the converter's mapping).
std::string from_phantom(const std::string& token) {
  if (token.starts_with(kPhantomSpace)) return token.substr(kPhantomSpace.size());
  if (token.size() >= 2 && token.front() == '[' && token.back() == ']') return token;
  return "##" + token;
}

// A cased vocabulary has pieces such as "The"; an uncased one has no ASCII capital at all
// (though it may have other Lu letters: bert-base-uncased has "ℝ").
bool has_ascii_capital(std::string_view token) {
  return std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

TokenizerParts read_gguf_tokenizer(const formats::GgufFile& file, std::optional<bool> lowercase) {
  const formats::GgufMetadata& meta = file.metadata();
  const std::string& source = file.path();
  const auto fail = [&](const std::string& what, const std::string& key) {
    throw input_error(what, {.file = source, .field = key});
  };
  if (!meta.contains("tokenizer.ggml.model")) fail("the file has no tokenizer", "tokenizer.ggml.model");
  const std::string& model = meta.get_string("tokenizer.ggml.model");
  if (model != "bert") {
    fail("tokenizer model \"" + model + "\" is not supported (molt reads WordPiece vocabularies: \"bert\")",
         "tokenizer.ggml.model");
  }
  const std::vector<std::string>& tokens = meta.get_string_array("tokenizer.ggml.tokens");
  if (tokens.empty()) fail("the vocabulary is empty", "tokenizer.ggml.tokens");
  if (tokens.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) fail("too many tokens", "tokenizer.ggml.tokens");
  std::vector<std::int32_t> types(tokens.size(), kNormal);
  if (meta.contains("tokenizer.ggml.token_type")) {
    types = meta.get_i32_array("tokenizer.ggml.token_type");
    if (types.size() != tokens.size()) {
      fail("has " + std::to_string(types.size()) + " entries for " + std::to_string(tokens.size()) + " tokens",
           "tokenizer.ggml.token_type");
    }
  }

  TokenizerParts parts;
  parts.source = source;
  parts.vocab.reserve(tokens.size());
  bool upper = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    switch (types[i]) {
      case kNormal:
      case kUnknown:
      case kUndefined:
      case kUnused: {
        std::string token = from_phantom(tokens[i]);
        if (types[i] != kUnused && !(token.front() == '[' && token.back() == ']')) upper = upper || has_ascii_capital(token);
        parts.vocab.emplace_back(std::move(token), id);
        break;
      }
      case kControl:
      case kUserDefined:
        if (tokens[i].empty()) fail("token " + std::to_string(i) + " is empty", "tokenizer.ggml.tokens");
        parts.vocab.emplace_back(tokens[i], id);
        parts.added_tokens.push_back(AddedToken{.content = tokens[i], .id = id, .special = types[i] == kControl,
                                                .normalized = types[i] != kControl});
        break;
      default:
        fail("token " + std::to_string(i) + " has type " + std::to_string(types[i]) +
                 ", which a WordPiece vocabulary does not have",
             "tokenizer.ggml.token_type");
    }
  }

  const auto find_token = [&](std::string_view text) -> std::optional<std::int32_t> {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i] == text) return static_cast<std::int32_t>(i);
    }
    return std::nullopt;
  };
  // The id a key names, checked against the vocabulary; else the fallback key; else the token.
  const auto special_id = [&](std::initializer_list<const char*> keys, std::string_view token) -> std::optional<std::int32_t> {
    for (const char* key : keys) {
      if (const auto id = meta.find_u32(key)) {
        if (*id >= tokens.size()) fail("id " + std::to_string(*id) + " is not a token of the vocabulary", key);
        return static_cast<std::int32_t>(*id);
      }
    }
    return find_token(token);
  };
  const auto unk = special_id({"tokenizer.ggml.unknown_token_id"}, "[UNK]");
  const auto cls = special_id({"tokenizer.ggml.cls_token_id", "tokenizer.ggml.bos_token_id"}, "[CLS]");
  const auto sep = special_id({"tokenizer.ggml.seperator_token_id", "tokenizer.ggml.eos_token_id"}, "[SEP]");
  if (!unk) fail("no unknown-token id and no [UNK] token", "tokenizer.ggml.unknown_token_id");
  if (!cls) fail("no CLS id (tokenizer.ggml.cls_token_id or bos_token_id) and no [CLS] token", "tokenizer.ggml.cls_token_id");
  if (!sep) fail("no separator id (tokenizer.ggml.seperator_token_id) and no [SEP] token", "tokenizer.ggml.seperator_token_id");
  parts.pad_id = special_id({"tokenizer.ggml.padding_token_id"}, "[PAD]");

  parts.wordpiece.unk_token = parts.vocab[static_cast<std::size_t>(*unk)].first;
  parts.wordpiece.continuing_subword_prefix = "##";
  parts.normalizer.lowercase = lowercase.value_or(!upper);
  parts.post_processor = PostProcessor::bert(*cls, *sep);
  return parts;
}

}  // namespace molt::tokenizer
