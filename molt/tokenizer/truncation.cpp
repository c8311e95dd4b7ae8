#include "molt/tokenizer/truncation.h"

#include <algorithm>
#include <string>

#include "molt/base/error.h"

namespace molt::tokenizer {
namespace {

void drop(std::vector<std::int32_t>& ids, std::size_t n, TruncationDirection direction) {
  n = std::min(n, ids.size());
  if (direction == TruncationDirection::kRight) {
    ids.resize(ids.size() - n);
  } else {
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

}  // namespace

void truncate_sequences(std::vector<std::int32_t>& a, std::vector<std::int32_t>* b, std::size_t budget,
                        TruncationStrategy strategy, TruncationDirection direction) {
  const std::size_t total = a.size() + (b != nullptr ? b->size() : 0);
  if (total <= budget) return;
  const std::size_t remove = total - budget;
  if (b == nullptr || strategy == TruncationStrategy::kOnlyFirst) {
    if (b != nullptr && remove > a.size()) {
      throw input_error("truncation only_first cannot shorten the first text by " + std::to_string(remove) +
                        " tokens: it has " + std::to_string(a.size()));
    }
    drop(a, remove, direction);
    return;
  }
  if (strategy == TruncationStrategy::kOnlySecond) {
    if (remove > b->size()) {
      throw input_error("truncation only_second cannot shorten the second text by " + std::to_string(remove) +
                        " tokens: it has " + std::to_string(b->size()));
    }
    drop(*b, remove, direction);
    return;
  }
  // longest_first, in the slow tokenizer's arithmetic: first even out the lengths, then
  // take the rest half from each, the second text giving the odd one.
  const std::size_t gap = a.size() > b->size() ? a.size() - b->size() : b->size() - a.size();
  const std::size_t first_remove = std::min(gap, remove);
  const std::size_t second_remove = remove - first_remove;
  std::size_t from_a = 0;
  std::size_t from_b = 0;
  if (a.size() > b->size()) {
    from_a = first_remove + second_remove / 2;
    from_b = second_remove - second_remove / 2;
  } else {
    from_a = second_remove / 2;
    from_b = first_remove + second_remove - second_remove / 2;
  }
  drop(a, from_a, direction);
  drop(*b, from_b, direction);
}

}  // namespace molt::tokenizer
