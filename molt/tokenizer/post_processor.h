// The post-processor: where the special tokens go around one text or a pair, and the
// segment (token type) of every position — Hugging Face's TemplateProcessing, which
// BertProcessing ("[CLS] A [SEP]" / "[CLS] A [SEP] B [SEP]", types 0 then 1) and
// RobertaProcessing ("<s> A </s>" / "<s> A </s> </s> B </s>", all type 0) are cases of.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace molt::tokenizer {

struct TemplateItem {
  enum class Kind { kSpecial, kSequenceA, kSequenceB };
  Kind kind = Kind::kSpecial;
  std::vector<std::int32_t> ids;  // kSpecial: the ids it stands for (usually one)
  std::int32_t type_id = 0;
};

struct PostProcessor {
  std::vector<TemplateItem> single;  // empty: no special tokens (tokenizer.json null)
  std::vector<TemplateItem> pair;

  // BERT's templates with these ids.
  static PostProcessor bert(std::int32_t cls_id, std::int32_t sep_id);

  // Special tokens the template adds around one text / a pair.
  std::size_t added(bool is_pair) const;
  // The special ids right before and right after sequence A in the single template
  // ([CLS] and [SEP] for BERT); Vocabulary::kNone (-1) when there is none.
  std::int32_t id_before_a() const;
  std::int32_t id_after_a() const;

  // Writes the template filled with `a` (and `b` for pairs) to ids / type_ids.
  void apply(std::span<const std::int32_t> a, const std::span<const std::int32_t>* b,
             bool add_special_tokens, std::vector<std::int32_t>& ids,
             std::vector<std::int32_t>& type_ids) const;
};

}  // namespace molt::tokenizer
