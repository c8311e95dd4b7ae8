#include "molt/tensor/workspace.h"

#include <algorithm>
#include <new>

namespace molt::tensor {

void Workspace::FreeAligned::operator()(float* p) const {
  ::operator delete(p, std::align_val_t{64});
}

std::span<float> Workspace::floats(std::size_t n) {
  const std::size_t aligned = (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
  used_total_ += aligned;
  if (blocks_.empty() || blocks_.back().size - blocks_.back().used < aligned) {
    // This pass outgrew what it has: a new block, at least as large as the request and
    // doubling the arena so that a pass needs few of them.
    const std::size_t size = std::max({aligned, capacity(), std::size_t{1} << 16});
    Block block;
    block.data.reset(static_cast<float*>(::operator new(size * sizeof(float), std::align_val_t{64})));
    block.size = size;
    blocks_.push_back(std::move(block));
  }
  Block& block = blocks_.back();
  float* p = block.data.get() + block.used;
  block.used += aligned;
  return {p, n};
}

void Workspace::reset() {
  peak_ = std::max(peak_, used_total_);
  used_total_ = 0;
  if (blocks_.size() > 1) {
    // Several blocks this pass: replace them by one that holds the largest pass whole.
    blocks_.clear();
    Block block;
    block.data.reset(static_cast<float*>(::operator new(peak_ * sizeof(float), std::align_val_t{64})));
    block.size = peak_;
    blocks_.push_back(std::move(block));
  }
  for (Block& block : blocks_) block.used = 0;
}

std::size_t Workspace::capacity() const {
  std::size_t total = 0;
  for (const Block& block : blocks_) total += block.size;
  return total;
}

}  // namespace molt::tensor
