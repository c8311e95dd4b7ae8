// Truncation to a maximum length that counts the special tokens, keeping them: the
// tokenizer.json "truncation" section (strategy, direction, max_length; stride only shapes
// the overflowing pieces molt does not return). Pairs under longest_first lose tokens as the
// slow tokenizer removes them: from the longer side until both are equal, then alternately,
// the first text keeping the extra token when the budget is odd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace molt::tokenizer {

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };
enum class TruncationDirection { kRight, kLeft };

struct TruncationParams {
  std::size_t max_length = 0;  // with special tokens
  TruncationStrategy strategy = TruncationStrategy::kLongestFirst;
  TruncationDirection direction = TruncationDirection::kRight;
  std::size_t stride = 0;
};

// Shortens `a` (and `b` when not null) so that together they hold at most `budget` ids
// (max_length minus the special tokens). Throws input_error when the strategy cannot reach
// the budget (only_first / only_second with too short a sequence), as Hugging Face does.
void truncate_sequences(std::vector<std::int32_t>& a, std::vector<std::int32_t>* b, std::size_t budget,
                        TruncationStrategy strategy, TruncationDirection direction);

}  // namespace molt::tokenizer
