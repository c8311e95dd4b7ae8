// Tensor: a typed n-dimensional array in host memory — a dtype, a shape and its bytes.
//
// Design
//  - Row-major and compact, everywhere in molt: the last dimension is contiguous, and shape
//    [d0, d1, ..., dn-1] puts element (i0, ..., in-1) at flat index
//    ((i0 * d1 + i1) * d2 + ...) * dn-1 + in-1. Shapes are written outermost first, as
//    PyTorch, safetensors and NumPy write them (a BERT embedding matrix is
//    [vocab, hidden]). GGUF lists dimensions innermost first (ggml's ne[]); its reader
//    reverses them, so a GGUF tensor and its safetensors twin have the same shape here.
//  - Quantized dtypes pack each run of block_size values along the last dimension into a
//    block of block_bytes (dtype.h).
//  - A Tensor either owns its bytes (64-byte aligned, writable) or is a read-only view of
//    bytes someone else keeps alive (a memory-mapped file, another tensor). Ownership is the
//    value held, not a flag: owning tensors hold their buffer, views hold none.
//  - Move-only. clone() makes an owning copy, view() a non-owning alias.
//  - Device is CPU only for now; it is a field so that later devices are a value, not a type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>

#include "molt/base/check.h"
#include "molt/tensor/dtype.h"
#include "molt/tensor/shape.h"

namespace molt::tensor {

enum class Device : std::uint8_t { kCpu };

// The C++ element type whose values() view a dtype's bytes: float for F32, uint16_t for
// the bits of F16/BF16/U16, uint8_t for U8 and BOOL, and so on.
template <class T>
constexpr bool element_type_matches(DType dtype) {
  if constexpr (std::is_same_v<T, float>) return dtype == DType::kF32;
  if constexpr (std::is_same_v<T, double>) return dtype == DType::kF64;
  if constexpr (std::is_same_v<T, std::int64_t>) return dtype == DType::kI64;
  if constexpr (std::is_same_v<T, std::int32_t>) return dtype == DType::kI32;
  if constexpr (std::is_same_v<T, std::int16_t>) return dtype == DType::kI16;
  if constexpr (std::is_same_v<T, std::int8_t>) return dtype == DType::kI8;
  if constexpr (std::is_same_v<T, std::uint64_t>) return dtype == DType::kU64;
  if constexpr (std::is_same_v<T, std::uint32_t>) return dtype == DType::kU32;
  if constexpr (std::is_same_v<T, std::uint16_t>) {
    return dtype == DType::kU16 || dtype == DType::kF16 || dtype == DType::kBF16;
  }
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    return dtype == DType::kU8 || dtype == DType::kBool || dtype == DType::kF8E4M3 ||
           dtype == DType::kF8E5M2;
  }
  return false;
}

class Tensor {
 public:
  // An empty F32 tensor of shape [0].
  Tensor() = default;

  // Owning, zero-filled. MOLT_CHECKs that checked_byte_size(dtype, shape) succeeds:
  // validate shapes read from files before calling.
  static Tensor zeros(DType dtype, Shape shape);
  // Owning F32 copy of `values` (values.size() must equal the shape's element count).
  static Tensor from_f32(Shape shape, std::span<const float> values);
  // A read-only view of `bytes`, which must stay alive and unchanged while the view and
  // its views exist. bytes.size() must equal the shape's byte size.
  static Tensor view_of(DType dtype, Shape shape, std::span<const std::byte> bytes);

  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  Device device() const { return device_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // Dimension i; negative i counts from the end (dim(-1) is the last).
  std::int64_t dim(int i) const;
  std::int64_t n_elements() const { return n_elements_; }
  std::size_t n_bytes() const { return bytes_.size(); }
  bool owns_data() const { return owned_ != nullptr; }

  std::span<const std::byte> bytes() const { return bytes_; }
  // Owning tensors only.
  std::span<std::byte> mutable_bytes();

  // True when the bytes may be read as T (dtype matches, address aligned for T). Views of
  // files can be misaligned; as_f32() handles that case.
  template <class T>
  bool holds() const {
    return element_type_matches<T>(dtype_) &&
           reinterpret_cast<std::uintptr_t>(bytes_.data()) % alignof(T) == 0;
  }
  // The elements as T; MOLT_CHECKs holds<T>().
  template <class T>
  std::span<const T> values() const {
    MOLT_CHECK(holds<T>());
    return {reinterpret_cast<const T*>(bytes_.data()), static_cast<std::size_t>(n_elements_)};
  }
  // Owning tensors only.
  template <class T>
  std::span<T> mutable_values() {
    MOLT_CHECK(holds<T>() && owns_data());
    return {reinterpret_cast<T*>(owned_.get()), static_cast<std::size_t>(n_elements_)};
  }

  // A non-owning alias of this tensor's bytes (valid while they are).
  Tensor view() const;
  // The same bytes under another shape with the same element count (a view).
  Tensor reshaped(Shape shape) const;
  // An owning copy.
  Tensor clone() const;
  // An owning F32 tensor with this tensor's values converted (convert_to_f32). Throws
  // input_error for dtypes that do not convert; callers add the tensor's name with
  // Error::with.
  Tensor to_f32() const;
  // This tensor as F32 without copying when it already is aligned F32 (a view, valid while
  // the bytes are), otherwise to_f32().
  Tensor as_f32() const;

 private:
  struct AlignedDelete {
    void operator()(std::byte* p) const;
  };
  static constexpr std::size_t kAlignment = 64;

  DType dtype_ = DType::kF32;
  Shape shape_ = {0};
  Device device_ = Device::kCpu;
  std::int64_t n_elements_ = 0;
  std::span<const std::byte> bytes_;
  std::unique_ptr<std::byte, AlignedDelete> owned_;
};

}  // namespace molt::tensor
