#include "molt/runtime/batch_plan.h"

#include <algorithm>
#include <numeric>

namespace molt::runtime {

std::vector<PlannedBatch> plan_batches(std::span<const std::uint32_t> lengths, std::size_t batch_size,
                                       std::size_t max_tokens) {
  batch_size = std::max<std::size_t>(batch_size, 1);
  max_tokens = std::max<std::size_t>(max_tokens, 1);
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; });
  std::vector<PlannedBatch> batches;
  PlannedBatch current;
  for (const std::size_t i : order) {
    const std::size_t len = lengths[i];
    if (!current.items.empty() &&
        (current.items.size() >= batch_size || current.n_tokens + len > max_tokens)) {
      batches.push_back(std::move(current));
      current = PlannedBatch{};
    }
    current.items.push_back(i);
    current.n_tokens += len;
  }
  if (!current.items.empty()) batches.push_back(std::move(current));
  return batches;
}

}  // namespace molt::runtime
