// OnednnMatrix: a weight w [n, k] packed once into oneDNN's blocked layout for its brgemm
// matrix multiplication (f32, bf16, or int8 with per-row scales and sums), and the
// multiplication itself: c = a · wᵀ for a block of rows and a range of output columns.
//
// oneDNN (Debian's libdnnl, OpenMP-threaded) is always called single-threaded: the thread
// that calls multiply() has its OpenMP thread count set to 1 first, because molt's pool owns
// the threads (STYLE rule 13). Primitives are made per (rows, columns) shape on first use
// and kept, rows in a few sizes only (see multiply()); their scratchpads come from the
// caller's workspace, so steady-state calls allocate nothing in oneDNN. A row's result does not depend on how many rows are
// multiplied with it, nor on the column range (checked by the parity and invariance tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "molt/compute/kernels.h"

namespace molt::compute::cpu {

class OnednnMatrix final : public PackedMatrix {
 public:
  // w f32 [n, k] row-major, packed for `precision`. Null when oneDNN has nothing better than
  // its reference implementation for this precision on this CPU (the caller falls back).
  static std::unique_ptr<OnednnMatrix> make(const Kernels& owner, const float* w, std::size_t n, std::size_t k,
                                            Precision precision);
  ~OnednnMatrix() override;

  // c[m, col_end - col_begin] = a[m, k] · w[col_begin:col_end, :]ᵀ. a is f32 (kF32), bf16
  // bits (kBF16) or uint8 (kInt8), with row stride lda elements; c is f32, or int32 exact
  // sums for kInt8, with row stride ldc. col_begin is a multiple of kColumnAlign. Scratchpad
  // from `scratch`. Thread-safe.
  void multiply(std::size_t m, const void* a, std::size_t lda, std::size_t col_begin, std::size_t col_end,
                void* c, std::size_t ldc, tensor::Workspace& scratch) const;

  std::size_t n_bytes() const override;
  // oneDNN's name for the implementation it chose, e.g. "brg:avx512_core_bf16".
  const std::string& implementation() const { return implementation_; }

  // kInt8: w[r, :] ≈ scales[r] · q[r, :], sums[r] = Σ q[r, :] (compute/quantize.h).
  const std::vector<float>& scales() const { return scales_; }
  const std::vector<std::int32_t>& sums() const { return sums_; }

  // oneDNN's layout keeps 64 output columns together: column ranges start at multiples.
  static constexpr std::size_t kColumnAlign = 64;

  // The most rows one oneDNN call multiplies; more run as several calls.
  static constexpr std::size_t kMaxRows = 64;

  struct State;      // oneDNN objects, kept out of this header
  struct Primitive;  // one matmul for one shape

 private:
  OnednnMatrix(const Kernels& owner, Precision precision, std::size_t n, std::size_t k);
  // The primitive for m dense rows by cols columns, made on first use.
  const Primitive& primitive(std::size_t m, std::size_t cols) const;

  std::unique_ptr<State> state_;
  std::string implementation_;
  std::vector<float> scales_;
  std::vector<std::int32_t> sums_;
};

}  // namespace molt::compute::cpu
