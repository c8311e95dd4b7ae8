#include "molt/compute/weight.h"

#include <cstring>
#include <utility>

#include "molt/base/error.h"
#include "molt/compute/kernels.h"
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

Weight Weight::concat_rows(std::span<const Weight* const> parts) {
  MOLT_CHECK(!parts.empty());
  const std::size_t cols = parts.front()->cols();
  std::size_t rows = 0;
  for (const Weight* p : parts) {
    MOLT_CHECK(p->cols() == cols && p->dtype() == tensor::DType::kF32);
    rows += p->rows();
  }
  std::vector<float> values;
  values.reserve(rows * cols);
  for (const Weight* p : parts) values.insert(values.end(), p->f32_values().begin(), p->f32_values().end());
  return dense(tensor::Tensor::from_f32({static_cast<std::int64_t>(rows), static_cast<std::int64_t>(cols)}, values));
}

const PackedMatrix* Weight::packed(const Kernels& kernels, Precision precision) const {
  MOLT_CHECK(packs_ != nullptr && dtype() == tensor::DType::kF32);
  const std::lock_guard<std::mutex> lock(packs_->mutex);
  for (const Packs::Entry& e : packs_->entries) {
    if (e.kernels == &kernels && e.precision == precision) return e.packed.get();
  }
  Packs::Entry e{&kernels, precision, kernels.pack_matrix(f32(), rows_, cols_, precision)};
  packs_->entries.push_back(std::move(e));
  return packs_->entries.back().packed.get();
}

std::size_t Weight::packed_bytes() const {
  if (packs_ == nullptr) return 0;
  const std::lock_guard<std::mutex> lock(packs_->mutex);
  std::size_t total = 0;
  for (const Packs::Entry& e : packs_->entries) total += e.packed ? e.packed->n_bytes() : 0;
  return total;
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
