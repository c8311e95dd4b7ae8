#include "molt/compute/weight.h"

#include <cstring>
#include <utility>

#include "molt/base/error.h"
#include "molt/tensor/convert.h"

namespace molt::compute {
namespace {

void shape_of(const tensor::Tensor& t, std::size_t& rows, std::size_t& cols) {
  if (t.rank() == 1) {
    rows = 1;
    cols = static_cast<std::size_t>(t.dim(0));
  } else if (t.rank() == 2) {
    rows = static_cast<std::size_t>(t.dim(0));
    cols = static_cast<std::size_t>(t.dim(1));
  } else {
    throw input_error("a weight must be a vector or a matrix, not shape " +
                      tensor::shape_string(t.shape()));
  }
}

}  // namespace

Weight Weight::dense(tensor::Tensor t) {
  Weight w;
  shape_of(t, w.rows_, w.cols_);
  if (t.owns_data() && t.holds<float>()) {
    w.data_ = std::move(t);
  } else {
    w.data_ = t.as_f32();  // a view of aligned F32 bytes, else a converted copy
  }
  w.row_bytes_ = w.cols_ * sizeof(float);
  return w;
}

Weight Weight::table(tensor::Tensor t) {
  using tensor::DType;
  if (t.dtype() != DType::kF16 && t.dtype() != DType::kBF16) return dense(std::move(t));
  Weight w;
  shape_of(t, w.rows_, w.cols_);
  w.data_ = std::move(t);
  w.row_bytes_ = w.cols_ * 2;
  return w;
}

const float* Weight::f32() const { return data_.values<float>().data(); }

std::span<const float> Weight::f32_values() const { return data_.values<float>(); }

void Weight::row_f32(std::size_t r, std::span<float> out) const {
  MOLT_CHECK(r < rows_ && out.size() == cols_);
  const auto bytes = data_.bytes().subspan(r * row_bytes_, row_bytes_);
  if (data_.dtype() == tensor::DType::kF32) {
    std::memcpy(out.data(), bytes.data(), row_bytes_);
  } else {
    tensor::convert_to_f32(data_.dtype(), bytes, out);
  }
}

}  // namespace molt::compute
