// How an encode call is cut into forward passes: sequences sorted by length (longest first,
// so each batch holds similar lengths and the longest are not left for last), then packed
// greedily under two limits — at most batch_size sequences and at most max_tokens tokens
// (a sequence longer than max_tokens goes alone). Packed batches carry no padding, so the
// token budget bounds the workspace and the work per pass exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace molt::runtime {

struct PlannedBatch {
  std::vector<std::size_t> items;  // indices into the input, in the order packed
  std::size_t n_tokens = 0;
};

// lengths[i]: tokens of sequence i. batch_size and max_tokens are at least 1.
std::vector<PlannedBatch> plan_batches(std::span<const std::uint32_t> lengths, std::size_t batch_size,
                                       std::size_t max_tokens);

}  // namespace molt::runtime
