// Added tokens ([CLS], [SEP], [MASK], … and any token added to a vocabulary): found in the
// text before normalization and kept whole, as the slow tokenizer's trie does — the
// leftmost occurrence first, the longest token at that position.
//
// Matching follows the slow tokenizer, the fixtures' reference: when the normalizer
// lowercases, the text is lower-cased first except where a special token (or a normalized
// non-special one) stands, and every added token is then matched case-sensitively. So
// "[CLS]" stays special, "[cls]" does not, and a lower-case token such as "<mask>" also
// matches "<MASK>". lstrip / rstrip only move whitespace, which WordPiece drops anyway;
// single_word refuses a match that touches a non-space character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace molt::tokenizer {

struct AddedToken {
  std::string content;
  std::int32_t id = 0;
  bool special = true;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
};

class AddedTokens {
 public:
  // Which tokens a scan may match.
  enum class Scope {
    kAll,        // every added token
    kProtected,  // specials and normalized non-specials: kept from lower-casing
  };

  AddedTokens() = default;
  // `lowercase_content` maps a token's content as the normalizer's first step would.
  AddedTokens(std::vector<AddedToken> tokens, bool lowercase);

  bool empty() const { return tokens_.empty(); }
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  // True when some token can match text that was lower-cased (its content is lower case).
  bool matches_lowercased() const { return matches_lowercased_; }
  // The contents of the special tokens (the slow tokenizer's never_split set).
  const std::vector<std::string>& special_contents() const { return special_contents_; }

  // Splits `text` into runs of plain text and matched tokens: on_text(std::string_view) for
  // each non-empty run, on_token(const AddedToken&) for each match, in order.
  template <class OnText, class OnToken>
  void split(std::string_view text, Scope scope, OnText&& on_text, OnToken&& on_token) const {
    std::size_t plain = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      if (!first_byte_[static_cast<unsigned char>(text[pos])]) {  // the common case, inline
        ++pos;
        continue;
      }
      const AddedToken* hit = match_at(text, pos, scope);
      if (hit == nullptr) {
        ++pos;
        continue;
      }
      if (pos > plain) on_text(text.substr(plain, pos - plain));
      on_token(*hit);
      pos += hit->content.size();
      plain = pos;
    }
    if (plain < text.size()) on_text(text.substr(plain));
  }

 private:
  // The longest token of `scope` that starts at text[pos] and may match there.
  const AddedToken* match_at(std::string_view text, std::size_t pos, Scope scope) const;

  std::vector<AddedToken> tokens_;
  std::vector<std::size_t> by_length_;  // indexes into tokens_, longest content first
  std::vector<bool> protected_;         // per token: kept from lower-casing
  bool first_byte_[256] = {};
  std::vector<std::string> special_contents_;
  bool matches_lowercased_ = false;
};

}  // namespace molt::tokenizer
