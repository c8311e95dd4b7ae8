// PackedMatrix: a weight matrix w [n, k] (a linear layer's [out, in]) prepared once for one
// kernel table's products in one precision — rounded or quantized (compute/quantize.h) and
// laid out the way that table's linear_rows reads it (for oneDNN, its blocked layout).
// Weight::packed() makes and keeps one per (table, precision); each table derives its own
// type and is the only one to look inside it.
#pragma once

#include <cstddef>

#include "molt/compute/precision.h"

namespace molt::compute {

struct Kernels;

class PackedMatrix {
 public:
  PackedMatrix(const Kernels& owner, Precision precision, std::size_t rows, std::size_t cols)
      : owner_(&owner), precision_(precision), rows_(rows), cols_(cols) {}
  virtual ~PackedMatrix() = default;
  PackedMatrix(const PackedMatrix&) = delete;
  PackedMatrix& operator=(const PackedMatrix&) = delete;

  const Kernels& owner() const { return *owner_; }  // the table that made it
  Precision precision() const { return precision_; }
  std::size_t rows() const { return rows_; }  // n: output features
  std::size_t cols() const { return cols_; }  // k: input features
  // Bytes held beyond the f32 weight itself.
  virtual std::size_t n_bytes() const = 0;

 private:
  const Kernels* owner_;
  Precision precision_;
  std::size_t rows_;
  std::size_t cols_;
};

}  // namespace molt::compute
