// Architecture: an encoder's forward pass — token ids in, one f32 state per token out,
// nothing more (pooling, dense heads, normalization and Matryoshka come after it, written
// once in pooling/). One implementation per file (bert.cpp, ...), found by config.json's
// model_type in the registry (registry.h).
//
// A batch is packed: the tokens of all its sequences back to back, no padding; each
// sequence attends to itself only, so a sequence's output does not depend on its batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "molt/compute/context.h"
#include "molt/compute/matrix.h"
#include "molt/tensor/workspace.h"

namespace molt::arch {

struct TokenBatch {
  std::span<const std::int32_t> ids;       // [n_tokens]
  std::span<const std::uint32_t> offsets;  // [n_seqs + 1]; sequence s is [offsets[s], offsets[s+1])

  std::size_t n_tokens() const { return ids.size(); }
  std::size_t n_seqs() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

class Architecture {
 public:
  virtual ~Architecture() = default;

  virtual std::string_view model_type() const = 0;  // config.json's model_type
  virtual std::size_t hidden_size() const = 0;       // width of the token states
  virtual std::size_t vocab_size() const = 0;        // ids must be below this
  // The longest sequence the architecture can encode (its absolute position table), or
  // nullopt when positions are unbounded (rotary).
  virtual std::optional<std::size_t> max_positions() const = 0;
  // The position limit the configuration declares (max_position_embeddings, n_positions, a
  // GGUF file's context_length), which sentence-transformers takes as the default
  // max_seq_length; may be larger than max_positions() only when that is unbounded.
  virtual std::optional<std::size_t> context_length() const { return max_positions(); }
  // "6 layers, hidden 384, 12 heads, ffn 1536, gelu".
  virtual std::string describe() const = 0;

  // The final token states, f32 [batch.n_tokens(), hidden_size()], into `out`. Every id must
  // be in [0, vocab_size()) and every sequence within max_positions() (the runtime checks).
  // Scratch comes from `ws`. Const and thread-safe: concurrent calls need their own `ws`.
  virtual void forward(const compute::Context& ctx, const TokenBatch& batch, tensor::Workspace& ws,
                       compute::MatrixView out) const = 0;

  // Floating-point operations (2 per multiply-add) of forward() on sequences of these
  // lengths, padding-free, for throughput figures.
  virtual double flops(std::span<const std::uint32_t> lengths) const = 0;
};

}  // namespace molt::arch
