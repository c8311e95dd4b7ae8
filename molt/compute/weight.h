// Weight: a model parameter in the form compute ops consume it.
//
// Today that is host memory in one of two forms:
//  - for matrix products and vectors (linear layers, biases, layer norms): F32. A tensor
//    stored as aligned F32 stays a view of the memory-mapped file (no copy); F16, BF16 and
//    GGML-quantized tensors are converted once, at load.
//  - for row lookups (embedding tables): the stored F32, F16 or BF16 rows themselves, each
//    row widened exactly when gathered, so a half-precision vocabulary costs half the memory.
// A matrix also keeps, made on first use, its packed forms: one per kernel table and
// precision (bf16, int8, or oneDNN's blocked f32), so a run packs every weight once. Device
// placement will live here too; ops take a Weight, never a raw pointer, so such changes stay
// inside compute/.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "molt/compute/packed_matrix.h"
#include "molt/compute/precision.h"
#include "molt/tensor/tensor.h"

namespace molt::compute {

class Weight {
 public:
  Weight() = default;
  Weight(Weight&&) noexcept = default;
  Weight& operator=(Weight&&) noexcept = default;

  // A matrix [rows, cols] or a vector [n] (seen as [1, n]) for products and element-wise
  // use. A view stays a view when it already is aligned F32; an owning tensor is kept. Throws input_error for a dtype that does not convert to F32 (the caller adds the
  // tensor's name) or a rank other than 1 or 2.
  static Weight dense(tensor::Tensor t);
  // A lookup table [rows, cols], rows widened on use. Same errors.
  static Weight table(tensor::Tensor t);
  // The rows of several dense matrices with the same column count stacked into one owning
  // F32 matrix [Σ rows, cols] (e.g. query, key and value projections as one product).
  static Weight concat_rows(std::span<const Weight* const> parts);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  tensor::DType dtype() const { return data_.dtype(); }
  // True when the bytes are the model file's own (a view of its map), not a copy.
  bool maps_file() const { return !data_.owns_data(); }
  std::size_t n_bytes() const { return data_.n_bytes(); }

  // The values as F32 [rows, cols], row-major; MOLT_CHECKs dtype() == F32 (dense() gives it).
  const float* f32() const;
  std::span<const float> f32_values() const;
  // Row r widened to F32 (out.size() == cols()).
  void row_f32(std::size_t r, std::span<float> out) const;

  // This dense matrix prepared for `kernels`' products in `precision` (Kernels::pack_matrix),
  // made on the first call for that pair and kept; null when that table reads the f32
  // values as they are. Thread-safe.
  const PackedMatrix* packed(const Kernels& kernels, Precision precision) const;
  // Bytes of the packed forms made so far.
  std::size_t packed_bytes() const;

 private:
  struct Packs {
    struct Entry {
      const Kernels* kernels = nullptr;
      Precision precision = Precision::kF32;
      std::unique_ptr<PackedMatrix> packed;
    };
    std::mutex mutex;
    std::vector<Entry> entries;
  };

  tensor::Tensor data_;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::size_t row_bytes_ = 0;
  std::unique_ptr<Packs> packs_ = std::make_unique<Packs>();
};

}  // namespace molt::compute
