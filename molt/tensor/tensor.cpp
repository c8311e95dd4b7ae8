#include "molt/tensor/tensor.h"

#include <cstring>
#include <new>
#include <utility>

#include "molt/tensor/convert.h"

namespace molt::tensor {

void Tensor::AlignedDelete::operator()(std::byte* p) const {
  ::operator delete(p, std::align_val_t{kAlignment});
}

std::int64_t Tensor::dim(int i) const {
  const int r = rank();
  if (i < 0) i += r;
  MOLT_CHECK(i >= 0 && i < r);
  return shape_[static_cast<std::size_t>(i)];
}

Tensor Tensor::zeros(DType dtype, Shape shape) {
  const auto n = checked_element_count(shape);
  const auto size = checked_byte_size(dtype, shape);
  MOLT_CHECK(n && size);
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.n_elements_ = *n;
  const auto n_bytes = static_cast<std::size_t>(*size);
  // One byte at least, so that an empty owning tensor still owns something.
  auto* p = static_cast<std::byte*>(::operator new(n_bytes == 0 ? 1 : n_bytes,
                                                   std::align_val_t{kAlignment}));
  t.owned_.reset(p);
  std::memset(p, 0, n_bytes);
  t.bytes_ = {p, n_bytes};
  return t;
}

Tensor Tensor::from_f32(Shape shape, std::span<const float> values) {
  Tensor t = zeros(DType::kF32, std::move(shape));
  MOLT_CHECK(values.size() == static_cast<std::size_t>(t.n_elements_));
  if (!values.empty()) std::memcpy(t.owned_.get(), values.data(), values.size_bytes());
  return t;
}

Tensor Tensor::view_of(DType dtype, Shape shape, std::span<const std::byte> bytes) {
  const auto n = checked_element_count(shape);
  const auto size = checked_byte_size(dtype, shape);
  MOLT_CHECK(n && size && static_cast<std::size_t>(*size) == bytes.size());
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.n_elements_ = *n;
  t.bytes_ = bytes;
  return t;
}

std::span<std::byte> Tensor::mutable_bytes() {
  MOLT_CHECK(owns_data());
  return {owned_.get(), bytes_.size()};
}

Tensor Tensor::view() const { return view_of(dtype_, shape_, bytes_); }

Tensor Tensor::reshaped(Shape shape) const { return view_of(dtype_, std::move(shape), bytes_); }

Tensor Tensor::clone() const {
  Tensor t = zeros(dtype_, shape_);
  if (!bytes_.empty()) std::memcpy(t.owned_.get(), bytes_.data(), bytes_.size());
  return t;
}

Tensor Tensor::to_f32() const {
  require_converts_to_f32(dtype_);
  Tensor t = zeros(DType::kF32, shape_);
  convert_to_f32(dtype_, bytes_, t.mutable_values<float>());
  return t;
}

Tensor Tensor::as_f32() const {
  if (holds<float>()) return view();
  return to_f32();
}

}  // namespace molt::tensor
