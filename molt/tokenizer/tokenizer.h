// Tokenizer: Hugging Face's BERT WordPiece pipeline, reproduced exactly — text in, token ids
// out, as the slow BertTokenizer of transformers 4.40 (the fixtures' reference) produces them.
// Loaded from a model folder (tokenizer.json, else vocab.txt + tokenizer_config.json /
// special_tokens_map.json), a GGUF file's vocabulary, or parts held in memory.
//
// Pipeline, one file per stage: added_tokens (specials found in the raw text) → normalizer
// (lowercase, clean_text, CJK, NFC, strip accents) → pre_tokenizer (whitespace and
// punctuation) → wordpiece (greedy longest match) → truncation → post_processor
// ([CLS] A [SEP]). Every option comes from the tokenizer's files; what molt does not support
// is refused at load with a message naming it, never silently tokenized differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "molt/tokenizer/python_text.h"
#include "molt/tokenizer/tokenizer_parts.h"

namespace molt::formats {
class GgufFile;
}

namespace molt::tokenizer {

struct Encoding {
  std::vector<std::int32_t> ids;       // with special tokens ([CLS] ... [SEP]), truncated
  std::vector<std::string> tokens;     // token strings, same length as ids (filled only when asked)
  std::size_t n_untruncated = 0;       // length with special tokens before truncation
  std::vector<std::int32_t> type_ids;  // segment of each id (0: first text, 1: second), same length as ids
};

struct EncodeOptions {
  std::size_t max_length = 0;  // 0: the tokenizer file's own truncation (none if it has none)
  bool add_special_tokens = true;
  bool want_tokens = false;
  // false: stop tokenizing once the text is known to exceed max_length (right truncation,
  // single texts); n_untruncated is then only a lower bound. Saves work on long documents.
  bool count_untruncated = true;
};

// How to read a GGUF vocabulary where the file is silent.
struct GgufTokenizerOptions {
  // GGUF does not record do_lower_case. Unset: lower-case when no ordinary token of the
  // vocabulary has an ASCII capital letter (an uncased vocabulary: "the", never "The").
  std::optional<bool> lowercase;
};

class Tokenizer {  // immutable after load; encode() is thread-safe; copies share the tables
 public:
  // tokenizer.json, else vocab.txt + tokenizer_config.json / special_tokens_map.json.
  // Throws not_found_error when the folder has neither, input_error naming the file and
  // field when one is malformed or asks for something molt does not support.
  static Tokenizer load(const std::filesystem::path& model_dir);
  static Tokenizer from_tokenizer_json(const std::filesystem::path& file);
  // The same from text already in memory; `source` names it in errors.
  static Tokenizer from_tokenizer_json_text(std::string_view json, const std::string& source);
  // A model folder's vocab.txt with its tokenizer_config.json / special_tokens_map.json.
  static Tokenizer from_vocab_txt(const std::filesystem::path& model_dir);
  // tokenizer.ggml.* of a GGUF file (tokenizer.ggml.model = "bert"; others are refused).
  static Tokenizer from_gguf(const formats::GgufFile& file, const GgufTokenizerOptions& options = {});
  static Tokenizer from_parts(TokenizerParts parts);

  Encoding encode(std::string_view text, const EncodeOptions& options = {}) const;
  Encoding encode_pair(std::string_view a, std::string_view b, const EncodeOptions& options = {}) const;

  std::optional<std::size_t> truncation_max_length() const;  // tokenizer.json "truncation"
  std::size_t vocab_size() const;  // number of ids: 1 + the largest id of a token or added token
  std::optional<std::int32_t> token_to_id(std::string_view token) const;
  std::string_view id_to_token(std::int32_t id) const;  // "" for an unknown id
  // -1 when the tokenizer names no such token.
  std::int32_t pad_id() const;
  std::int32_t cls_id() const;
  std::int32_t sep_id() const;
  std::int32_t unk_id() const;

  // Special tokens the post-processor adds around one text / a pair.
  std::size_t n_special_tokens(bool pair = false) const;
  const NormalizerOptions& normalizer_options() const;
  const std::vector<AddedToken>& added_tokens() const;
  std::optional<std::size_t> model_max_length() const;  // tokenizer_config.json
  const std::string& source() const;

  struct Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  void fill_tokens(Encoding& e) const;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace molt::tokenizer
