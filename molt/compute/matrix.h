// Non-owning views of f32 matrices, the operands of molt's compute ops. Row-major as
// everywhere in molt (tensor.h): element (r, c) of a view is data[r * ld + c], and ld >= cols
// lets a view be a column slice of a wider matrix (one head of a [n_tokens, hidden] matrix).
#pragma once

#include <cstddef>

#include "molt/base/check.h"

namespace molt::compute {

struct MatrixView {
  float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t ld = 0;  // floats between the starts of consecutive rows

  MatrixView() = default;
  MatrixView(float* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c), ld(c) {}
  MatrixView(float* d, std::size_t r, std::size_t c, std::size_t stride)
      : data(d), rows(r), cols(c), ld(stride) {
    MOLT_CHECK(ld >= cols);
  }

  float* row(std::size_t r) const { return data + r * ld; }
  bool empty() const { return rows == 0 || cols == 0; }
  // Rows [begin, begin + n).
  MatrixView row_block(std::size_t begin, std::size_t n) const {
    MOLT_CHECK(begin + n <= rows);
    return {data + begin * ld, n, cols, ld};
  }
  // Columns [begin, begin + n) of every row.
  MatrixView col_block(std::size_t begin, std::size_t n) const {
    MOLT_CHECK(begin + n <= cols);
    return {data + begin, rows, n, ld};
  }
};

struct ConstMatrixView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t ld = 0;

  ConstMatrixView() = default;
  ConstMatrixView(const float* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c), ld(c) {}
  ConstMatrixView(const float* d, std::size_t r, std::size_t c, std::size_t stride)
      : data(d), rows(r), cols(c), ld(stride) {
    MOLT_CHECK(ld >= cols);
  }
  ConstMatrixView(const MatrixView& m)  // NOLINT(google-explicit-constructor): views widen to const
      : data(m.data), rows(m.rows), cols(m.cols), ld(m.ld) {}

  const float* row(std::size_t r) const { return data + r * ld; }
  bool empty() const { return rows == 0 || cols == 0; }
  ConstMatrixView row_block(std::size_t begin, std::size_t n) const {
    MOLT_CHECK(begin + n <= rows);
    return {data + begin * ld, n, cols, ld};
  }
  ConstMatrixView col_block(std::size_t begin, std::size_t n) const {
    MOLT_CHECK(begin + n <= cols);
    return {data + begin, rows, n, ld};
  }
};

}  // namespace molt::compute
