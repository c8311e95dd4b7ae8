#include "molt/tensor/workspace.h"

#include <algorithm>
#include <new>

#include "molt/base/check.h"

namespace molt::tensor {

void Workspace::FreeAligned::operator()(float* p) const {
  ::operator delete(p, std::align_val_t{64});
}

Workspace::Block Workspace::make_block(std::size_t size) {
  Block block;
  block.data.reset(static_cast<float*>(::operator new(size * sizeof(float), std::align_val_t{64})));
  block.size = size;
  return block;
}

std::span<float> Workspace::floats(std::size_t n) {
  const std::size_t aligned = (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
  // The current block, else the next one already held, else a new one at least as large as
  // the arena so far (so that a growing pass needs few of them).
  while (blocks_.empty() || blocks_[current_].size - blocks_[current_].used < aligned) {
    if (!blocks_.empty() && current_ + 1 < blocks_.size()) {
      ++current_;
      blocks_[current_].used = 0;
      continue;
    }
    blocks_.push_back(make_block(std::max({aligned, capacity(), std::size_t{1} << 16})));
    current_ = blocks_.size() - 1;
  }
  Block& block = blocks_[current_];
  float* p = block.data.get() + block.used;
  block.used += aligned;
  live_ += aligned;
  peak_ = std::max(peak_, live_);
  return {p, n};
}

Workspace::Mark Workspace::mark() const {
  if (blocks_.empty()) return {};
  return {current_, blocks_[current_].used, live_};
}

void Workspace::release(const Mark& m) {
  if (blocks_.empty()) return;
  MOLT_CHECK(m.block <= current_ && m.live <= live_);
  current_ = m.block;
  blocks_[current_].used = m.used;
  live_ = m.live;
}

void Workspace::reset() {
  live_ = 0;
  current_ = 0;
  if (blocks_.size() > 1) {
    // Several blocks: one that holds the deepest point of any pass so far.
    blocks_.clear();
    blocks_.push_back(make_block(peak_));
  }
  if (!blocks_.empty()) blocks_[0].used = 0;
}

std::size_t Workspace::capacity() const {
  std::size_t total = 0;
  for (const Block& block : blocks_) total += block.size;
  return total;
}

}  // namespace molt::tensor
