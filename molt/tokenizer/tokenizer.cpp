#include "molt/tokenizer/tokenizer.h"

#include <algorithm>
#include <limits>
#include <map>
#include <span>

#include "molt/base/error.h"
#include "molt/tokenizer/gguf_vocab.h"
#include "molt/tokenizer/pre_tokenizer.h"
#include "molt/tokenizer/tokenizer_json.h"
#include "molt/tokenizer/unicode.h"
#include "molt/tokenizer/vocab_txt.h"

namespace molt::tokenizer {

struct Tokenizer::Impl {
  explicit Impl(TokenizerParts p)
      : parts(std::move(p)),
        vocab(parts.vocab, parts.wordpiece.continuing_subword_prefix),
        wordpiece(vocab, parts.wordpiece),
        normalizer(parts.normalizer),
        added(parts.added_tokens, parts.normalizer.lowercases()) {
    for (const AddedToken& t : added.tokens()) {
      if (t.id < 0) throw input_error("added token \"" + t.content + "\" has a negative id");
      added_by_id.emplace(t.id, t.content);
      added_by_content.emplace(t.content, t.id);
      n_ids = std::max(n_ids, static_cast<std::size_t>(t.id) + 1);
    }
    n_ids = std::max(n_ids, vocab.size());
    for (const std::string& s : added.special_contents()) {
      min_special = std::min(min_special, s.size());
      max_special = std::max(max_special, s.size());
    }
    for (const auto* items : {&parts.post_processor.single, &parts.post_processor.pair}) {
      for (const TemplateItem& item : *items) {
        for (const std::int32_t id : item.ids) {
          if (id < 0 || static_cast<std::size_t>(id) >= n_ids) {
            throw input_error("the post-processor uses token id " + std::to_string(id) +
                              ", which is not in the vocabulary");
          }
        }
      }
    }
  }

  TokenizerParts parts;
  Vocabulary vocab;
  WordPiece wordpiece;
  BertNormalizer normalizer;
  AddedTokens added;
  std::map<std::int32_t, std::string> added_by_id;
  std::map<std::string, std::int32_t, std::less<>> added_by_content;
  std::size_t n_ids = 0;
  std::size_t min_special = std::numeric_limits<std::size_t>::max();
  std::size_t max_special = 0;

  bool is_never_split(std::string_view word) const {
    if (word.size() < min_special || word.size() > max_special) return false;
    for (const std::string& s : added.special_contents()) {
      if (s == word) return true;
    }
    return false;
  }
};

namespace {

// Working memory of one encode() call, reused from word to word.
struct Scratch {
  std::string lowered;
  std::string word;
  std::string piece;
  std::u32string code_points;
  std::u32string nfc;
  std::u32string normalized;
  WordScratch word_scratch;
};

// Runs the pipeline up to WordPiece on one text, appending ids to `out`; stops early once
// `out` holds `limit` ids.
class TextEncoder {
 public:
  TextEncoder(const Tokenizer::Impl& t, std::vector<std::int32_t>& out, std::size_t limit)
      : t_(t), out_(out), limit_(limit) {}

  void encode(std::string_view text) {
    if (t_.added.empty()) {
      plain_text(text);
      return;
    }
    const auto scope = t_.normalizer.options().lowercases() ? AddedTokens::Scope::kProtected
                                                             : AddedTokens::Scope::kAll;
    t_.added.split(
        text, scope, [&](std::string_view run) { plain_text(run); },
        [&](const AddedToken& token) { push(token.id); });
  }

 private:
  bool full() const { return out_.size() >= limit_; }
  void push(std::int32_t id) {
    if (!full()) out_.push_back(id);
  }

  // Text between added tokens: lower-cased first when the normalizer lower-cases (the slow
  // tokenizer does so before matching its added tokens), then split into words.
  void plain_text(std::string_view text) {
    if (full()) return;
    if (!t_.normalizer.options().lowercases()) {
      words(text);
      return;
    }
    std::string& lowered = s_.lowered;
    lowered.clear();
    t_.normalizer.lowercase_text(text, lowered);
    if (!t_.added.matches_lowercased()) {
      words(lowered);
      return;
    }
    t_.added.split(
        lowered, AddedTokens::Scope::kAll, [&](std::string_view run) { words(run); },
        [&](const AddedToken& token) { push(token.id); });
  }

  // clean_text, CJK and whitespace: each word goes to word().
  void words(std::string_view text) {
    std::string& word = s_.word;
    word.clear();
    bool ascii = true;
    const BertNormalizer& n = t_.normalizer;
    for (std::size_t pos = 0; pos < text.size() && !full();) {
      const auto b = static_cast<unsigned char>(text[pos]);
      if (b < 0x80) {
        switch (n.classify_ascii(b)) {
          case CharClass::kWord:
            word.push_back(static_cast<char>(b));
            break;
          case CharClass::kSpace:
            flush(ascii);
            break;
          case CharClass::kDrop:
          case CharClass::kCjk:
            break;
        }
        ++pos;
        continue;
      }
      char32_t cp = 0;
      const std::size_t len = unicode::decode_utf8(text, pos, cp);
      switch (n.classify(cp)) {
        case CharClass::kWord:
          if (cp == unicode::kReplacementChar) {
            unicode::append_utf8(word, cp);  // ill-formed bytes stand for U+FFFD
          } else {
            word.append(text.substr(pos, len));
          }
          ascii = false;
          break;
        case CharClass::kSpace:
          flush(ascii);
          break;
        case CharClass::kDrop:
          break;
        case CharClass::kCjk:
          flush(ascii);
          unicode::append_utf8(word, cp);
          ascii = false;
          flush(ascii);
          break;
      }
      pos += len;
    }
    flush(ascii);
  }

  void flush(bool& ascii) {
    if (!s_.word.empty() && !full()) word(s_.word, ascii);
    s_.word.clear();
    ascii = true;
  }

  // One whitespace-separated word: NFC; a word equal to a special token goes to WordPiece
  // whole (the slow tokenizer's never_split); otherwise lowercase, strip accents, split on
  // punctuation, and WordPiece each piece.
  void word(std::string_view word, bool ascii) {
    if (ascii) {  // NFC, lower-casing (done already) and accent stripping change nothing
      if (t_.is_never_split(word)) {
        t_.wordpiece.encode(word, out_);
        return;
      }
      split_ascii_word(word, [&](std::string_view piece) { t_.wordpiece.encode(piece, out_); });
      return;
    }
    s_.code_points.clear();
    for (std::size_t pos = 0; pos < word.size();) {
      char32_t cp = 0;
      pos += unicode::decode_utf8(word, pos, cp);
      s_.code_points.push_back(cp);
    }
    s_.nfc.clear();
    t_.normalizer.nfc_word(s_.code_points, s_.nfc, s_.word_scratch.compose);
    if (t_.max_special > 0) {
      s_.piece.clear();
      for (const char32_t cp : s_.nfc) unicode::append_utf8(s_.piece, cp);
      if (t_.is_never_split(s_.piece)) {
        t_.wordpiece.encode(s_.piece, out_);
        return;
      }
    }
    s_.normalized.clear();
    t_.normalizer.finish_word(s_.nfc, s_.normalized, s_.word_scratch);
    split_word(s_.normalized, s_.piece, [&](std::string_view piece) { t_.wordpiece.encode(piece, out_); });
  }

  const Tokenizer::Impl& t_;
  std::vector<std::int32_t>& out_;
  std::size_t limit_;
  Scratch s_;
};

// The file's truncation with the caller's max length, which must leave room for the `added`
// special tokens.
TruncationParams truncation_for(const TokenizerParts& parts, std::size_t max_length, std::size_t added) {
  TruncationParams params = parts.truncation.value_or(TruncationParams{});
  if (max_length > 0) params.max_length = max_length;
  if (params.max_length > 0 && params.max_length < added) {
    throw usage_error("max length " + std::to_string(params.max_length) + " leaves no room beside the " +
                      std::to_string(added) + " special tokens");
  }
  return params;
}

}  // namespace

Tokenizer Tokenizer::from_parts(TokenizerParts parts) {
  const std::string source = parts.source;
  try {
    return Tokenizer(std::make_shared<const Impl>(std::move(parts)));
  } catch (const Error& e) {
    throw e.with({.file = source});
  }
}

Tokenizer Tokenizer::load(const std::filesystem::path& model_dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(model_dir / "tokenizer.json", ec)) {
    TokenizerParts parts = read_tokenizer_json(model_dir / "tokenizer.json");
    add_folder_special_tokens(model_dir, parts);
    return from_parts(std::move(parts));
  }
  if (std::filesystem::is_regular_file(model_dir / "vocab.txt", ec)) return from_vocab_txt(model_dir);
  throw not_found_error("no tokenizer: the model folder has neither tokenizer.json nor vocab.txt",
                        {.file = model_dir.string()});
}

Tokenizer Tokenizer::from_tokenizer_json(const std::filesystem::path& file) {
  return from_parts(read_tokenizer_json(file));
}

Tokenizer Tokenizer::from_tokenizer_json_text(std::string_view json, const std::string& source) {
  return from_parts(parse_tokenizer_json(json, source));
}

Tokenizer Tokenizer::from_vocab_txt(const std::filesystem::path& model_dir) {
  return from_parts(read_vocab_txt_folder(model_dir));
}

Tokenizer Tokenizer::from_gguf(const formats::GgufFile& file, const GgufTokenizerOptions& options) {
  return from_parts(read_gguf_tokenizer(file, options.lowercase));
}

Encoding Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  const Impl& t = *impl_;
  const std::size_t added = options.add_special_tokens ? t.parts.post_processor.added(false) : 0;
  const TruncationParams trunc = truncation_for(t.parts, options.max_length, added);
  std::size_t limit = std::numeric_limits<std::size_t>::max();
  if (!options.count_untruncated && trunc.max_length > 0 && trunc.direction == TruncationDirection::kRight) {
    limit = trunc.max_length - added + 1;  // one past the budget: enough to know it overflows
  }
  std::vector<std::int32_t> a;
  a.reserve(std::min<std::size_t>(text.size() / 3 + 8, limit));
  TextEncoder(t, a, limit).encode(text);

  Encoding e;
  e.n_untruncated = a.size() + added;
  if (trunc.max_length > 0) {
    truncate_sequences(a, nullptr, trunc.max_length - added, trunc.strategy, trunc.direction);
  }
  t.parts.post_processor.apply(a, nullptr, options.add_special_tokens, e.ids, e.type_ids);
  if (options.want_tokens) fill_tokens(e);
  return e;
}

Encoding Tokenizer::encode_pair(std::string_view text_a, std::string_view text_b, const EncodeOptions& options) const {
  const Impl& t = *impl_;
  const std::size_t added = options.add_special_tokens ? t.parts.post_processor.added(true) : 0;
  const TruncationParams trunc = truncation_for(t.parts, options.max_length, added);
  const std::size_t unlimited = std::numeric_limits<std::size_t>::max();
  std::vector<std::int32_t> a;
  std::vector<std::int32_t> b;
  TextEncoder(t, a, unlimited).encode(text_a);
  TextEncoder(t, b, unlimited).encode(text_b);

  Encoding e;
  e.n_untruncated = a.size() + b.size() + added;
  if (trunc.max_length > 0) {
    truncate_sequences(a, &b, trunc.max_length - added, trunc.strategy, trunc.direction);
  }
  const std::span<const std::int32_t> b_span(b);
  t.parts.post_processor.apply(a, &b_span, options.add_special_tokens, e.ids, e.type_ids);
  if (options.want_tokens) fill_tokens(e);
  return e;
}

void Tokenizer::fill_tokens(Encoding& e) const {
  e.tokens.clear();
  e.tokens.reserve(e.ids.size());
  for (const std::int32_t id : e.ids) e.tokens.emplace_back(id_to_token(id));
}

std::optional<std::size_t> Tokenizer::truncation_max_length() const {
  if (!impl_->parts.truncation) return std::nullopt;
  return impl_->parts.truncation->max_length;
}

std::size_t Tokenizer::vocab_size() const { return impl_->n_ids; }

std::optional<std::int32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (const auto it = impl_->added_by_content.find(token); it != impl_->added_by_content.end()) return it->second;
  const std::int32_t id = impl_->vocab.find(token);
  if (id == Vocabulary::kNone) return std::nullopt;
  return id;
}

std::string_view Tokenizer::id_to_token(std::int32_t id) const {
  if (const auto it = impl_->added_by_id.find(id); it != impl_->added_by_id.end()) return it->second;
  return impl_->vocab.token(id);
}

std::int32_t Tokenizer::pad_id() const {
  if (impl_->parts.pad_id) return *impl_->parts.pad_id;
  return token_to_id("[PAD]").value_or(-1);
}

std::int32_t Tokenizer::cls_id() const {
  const std::int32_t id = impl_->parts.post_processor.id_before_a();
  return id >= 0 ? id : token_to_id("[CLS]").value_or(-1);
}

std::int32_t Tokenizer::sep_id() const {
  const std::int32_t id = impl_->parts.post_processor.id_after_a();
  return id >= 0 ? id : token_to_id("[SEP]").value_or(-1);
}

std::int32_t Tokenizer::unk_id() const { return impl_->wordpiece.unk_id(); }

std::size_t Tokenizer::n_special_tokens(bool pair) const { return impl_->parts.post_processor.added(pair); }

const NormalizerOptions& Tokenizer::normalizer_options() const { return impl_->parts.normalizer; }

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added.tokens(); }

std::optional<std::size_t> Tokenizer::model_max_length() const { return impl_->parts.model_max_length; }

const std::string& Tokenizer::source() const { return impl_->parts.source; }

}  // namespace molt::tokenizer
