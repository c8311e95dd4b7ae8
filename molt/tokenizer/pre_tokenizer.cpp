#include "molt/tokenizer/pre_tokenizer.h"

namespace molt::tokenizer {

bool is_bert_punctuation(char32_t cp) {
  if (cp < 128) return is_ascii_punctuation(static_cast<unsigned char>(cp));
  return unicode::is_punctuation_category(unicode::category(cp));
}

}  // namespace molt::tokenizer
