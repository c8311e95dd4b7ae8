// Workspace: a reusable scratch arena for the float buffers of a forward pass (activations,
// attention scores), so that steady-state encoding allocates nothing.
//
// Buffers are handed out stack-wise: floats() takes from the top, and a Scope (or
// release(mark)) gives back everything taken since its mark, so a layer's temporaries are
// reused by the next layer and a pass needs only its deepest point, not the sum of its
// layers. When the arena runs out mid-pass it adds a block; reset() (between passes)
// replaces several blocks by one that holds the deepest point seen, so after a pass or two
// every pass lives in one allocation. Not thread-safe: one Workspace per concurrent pass
// (runtime keeps a pool of them).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace molt::tensor {

class Workspace {
 public:
  // A point in the stack of buffers.
  struct Mark {
    std::size_t block = 0;
    std::size_t used = 0;
    std::size_t live = 0;
  };

  // Gives back, on destruction, every buffer taken after its construction.
  class Scope {
   public:
    explicit Scope(Workspace& ws) : ws_(ws), mark_(ws.mark()) {}
    ~Scope() { ws_.release(mark_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Workspace& ws_;
    Mark mark_;
  };

  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  Workspace(Workspace&&) noexcept = default;
  Workspace& operator=(Workspace&&) noexcept = default;

  // n floats, 64-byte aligned, uninitialized; valid until released or reset().
  std::span<float> floats(std::size_t n);

  Mark mark() const;
  // Buffers taken after `m` become invalid; their memory is reused.
  void release(const Mark& m);
  // Every buffer becomes invalid; the memory is kept (and merged into one block).
  void reset();

  // Floats in use now; the most in use at once since construction; floats held in all.
  std::size_t live() const { return live_; }
  std::size_t peak() const { return peak_; }
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
  static Block make_block(std::size_t size);

  std::vector<Block> blocks_;
  std::size_t current_ = 0;  // the block floats() takes from
  std::size_t live_ = 0;     // aligned floats handed out and not released
  std::size_t peak_ = 0;
};

}  // namespace molt::tensor
