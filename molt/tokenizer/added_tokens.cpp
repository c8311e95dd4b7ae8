#include "molt/tokenizer/added_tokens.h"

#include <algorithm>
#include <numeric>

#include "molt/tokenizer/normalizer.h"

namespace molt::tokenizer {

AddedTokens::AddedTokens(std::vector<AddedToken> tokens, bool lowercase) : tokens_(std::move(tokens)) {
  // Empty contents can never match; drop them rather than loop on them.
  std::erase_if(tokens_, [](const AddedToken& t) { return t.content.empty(); });
  by_length_.resize(tokens_.size());
  std::iota(by_length_.begin(), by_length_.end(), 0);
  std::stable_sort(by_length_.begin(), by_length_.end(), [&](std::size_t a, std::size_t b) {
    return tokens_[a].content.size() > tokens_[b].content.size();
  });
  const BertNormalizer lower(NormalizerOptions{});
  for (const AddedToken& t : tokens_) {
    first_byte_[static_cast<unsigned char>(t.content[0])] = true;
    protected_.push_back(t.special || t.normalized);
    if (t.special) special_contents_.push_back(t.content);
    if (lowercase) {
      std::string lowered;
      lower.lowercase_text(t.content, lowered);
      matches_lowercased_ = matches_lowercased_ || lowered == t.content;
    }
  }
}

const AddedToken* AddedTokens::match_at(std::string_view text, std::size_t pos, Scope scope) const {
  if (!first_byte_[static_cast<unsigned char>(text[pos])]) return nullptr;
  for (const std::size_t i : by_length_) {
    const AddedToken& t = tokens_[i];
    if (scope == Scope::kProtected && !protected_[i]) continue;
    if (text.compare(pos, t.content.size(), t.content) != 0) continue;
    if (t.single_word) {
      const std::size_t end = pos + t.content.size();
      if ((pos > 0 && text[pos - 1] != ' ') || (end < text.size() && text[end] != ' ')) continue;
    }
    return &t;
  }
  return nullptr;
}

}  // namespace molt::tokenizer
