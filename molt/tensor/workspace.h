// Workspace: a reusable scratch arena for the float buffers of a forward pass (activations,
// attention scores), so that steady-state encoding allocates nothing.
//
// Buffers are handed out bump-pointer style from one block and stay valid until reset().
// When a pass needs more than the block holds, extra blocks are allocated for that pass;
// the next reset() replaces them all with one block large enough for the whole pass, so
// after a pass or two every pass fits in a single allocation. Not thread-safe: one
// Workspace per concurrent pass (runtime keeps a pool of them).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace molt::tensor {

class Workspace {
 public:
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  Workspace(Workspace&&) noexcept = default;
  Workspace& operator=(Workspace&&) noexcept = default;

  // n floats, 64-byte aligned, uninitialized; valid until reset().
  std::span<float> floats(std::size_t n);

  // Makes every buffer handed out so far invalid, and keeps (or grows) the memory.
  void reset();

  // Floats handed out since the last reset(); floats the arena holds in all.
  std::size_t used() const { return used_total_; }
  std::size_t capacity() const;

 private:
  struct FreeAligned {
    void operator()(float* p) const;
  };
  struct Block {
    std::unique_ptr<float[], FreeAligned> data;
    std::size_t size = 0;  // floats
    std::size_t used = 0;
  };
  static constexpr std::size_t kAlignFloats = 16;  // 64 bytes

  std::vector<Block> blocks_;
  std::size_t used_total_ = 0;  // floats handed out this pass (aligned sizes)
  std::size_t peak_ = 0;        // the largest pass seen
};

}  // namespace molt::tensor
