#include "molt/tokenizer/post_processor.h"

namespace molt::tokenizer {

PostProcessor PostProcessor::bert(std::int32_t cls_id, std::int32_t sep_id) {
  using Kind = TemplateItem::Kind;
  PostProcessor p;
  p.single = {{Kind::kSpecial, {cls_id}, 0}, {Kind::kSequenceA, {}, 0}, {Kind::kSpecial, {sep_id}, 0}};
  p.pair = {{Kind::kSpecial, {cls_id}, 0}, {Kind::kSequenceA, {}, 0}, {Kind::kSpecial, {sep_id}, 0},
            {Kind::kSequenceB, {}, 1}, {Kind::kSpecial, {sep_id}, 1}};
  return p;
}

std::size_t PostProcessor::added(bool is_pair) const {
  std::size_t n = 0;
  for (const TemplateItem& item : is_pair ? pair : single) {
    if (item.kind == TemplateItem::Kind::kSpecial) n += item.ids.size();
  }
  return n;
}

std::int32_t PostProcessor::id_before_a() const {
  for (std::size_t i = 0; i < single.size(); ++i) {
    if (single[i].kind != TemplateItem::Kind::kSequenceA) continue;
    if (i > 0 && single[i - 1].kind == TemplateItem::Kind::kSpecial && !single[i - 1].ids.empty()) {
      return single[i - 1].ids.back();
    }
    return -1;
  }
  return -1;
}

std::int32_t PostProcessor::id_after_a() const {
  for (std::size_t i = 0; i < single.size(); ++i) {
    if (single[i].kind != TemplateItem::Kind::kSequenceA) continue;
    if (i + 1 < single.size() && single[i + 1].kind == TemplateItem::Kind::kSpecial && !single[i + 1].ids.empty()) {
      return single[i + 1].ids.front();
    }
    return -1;
  }
  return -1;
}

void PostProcessor::apply(std::span<const std::int32_t> a, const std::span<const std::int32_t>* b,
                          bool add_special_tokens, std::vector<std::int32_t>& ids,
                          std::vector<std::int32_t>& type_ids) const {
  ids.clear();
  type_ids.clear();
  const std::vector<TemplateItem>& items = b != nullptr ? pair : single;
  if (!add_special_tokens || items.empty()) {
    // No template: the sequences one after the other, the second with type 1 (as Hugging
    // Face does without a post-processor).
    ids.assign(a.begin(), a.end());
    type_ids.assign(a.size(), 0);
    if (b != nullptr) {
      ids.insert(ids.end(), b->begin(), b->end());
      type_ids.insert(type_ids.end(), b->size(), 1);
    }
    return;
  }
  for (const TemplateItem& item : items) {
    switch (item.kind) {
      case TemplateItem::Kind::kSpecial:
        ids.insert(ids.end(), item.ids.begin(), item.ids.end());
        type_ids.insert(type_ids.end(), item.ids.size(), item.type_id);
        break;
      case TemplateItem::Kind::kSequenceA:
        ids.insert(ids.end(), a.begin(), a.end());
        type_ids.insert(type_ids.end(), a.size(), item.type_id);
        break;
      case TemplateItem::Kind::kSequenceB:
        if (b != nullptr) {
          ids.insert(ids.end(), b->begin(), b->end());
          type_ids.insert(type_ids.end(), b->size(), item.type_id);
        }
        break;
    }
  }
}

}  // namespace molt::tokenizer
