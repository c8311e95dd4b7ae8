#include "molt/compute/cpu/onednn_matrix.h"

#include <dlfcn.h>

#include <bit>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

#include "molt/base/check.h"
#include "molt/compute/quantize.h"
#include "molt/tensor/half.h"

namespace molt::compute::cpu {
namespace {

using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

// The OpenMP runtime Debian's oneDNN is built with (GNU libgomp) starts a team of one
// thread per core for every primitive unless told otherwise, per calling thread. molt's pool
// already runs one task per core, so each thread that calls oneDNN sets its own OpenMP
// thread count to 1, once. The function is looked up in the process rather than linked:
// oneDNN brings its own OpenMP runtime, whichever it is, and molt compiles no OpenMP itself.
void use_one_openmp_thread() {
  thread_local bool done = false;
  if (done) return;
  using SetThreads = void (*)(int);
  static const auto set_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (set_threads != nullptr) set_threads(1);
  done = true;
}

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Streams are not thread-safe: one per calling thread.
dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

dt src_type(Precision p) {
  switch (p) {
    case Precision::kF32: return dt::f32;
    case Precision::kBF16: return dt::bf16;
    case Precision::kInt8: return dt::u8;
  }
  return dt::f32;
}
dt weight_type(Precision p) { return p == Precision::kInt8 ? dt::s8 : src_type(p); }
dt dst_type(Precision p) { return p == Precision::kInt8 ? dt::s32 : dt::f32; }
std::size_t src_bytes(Precision p) { return p == Precision::kF32 ? 4 : p == Precision::kBF16 ? 2 : 1; }

}  // namespace

struct OnednnMatrix::Primitive {
  dnnl::matmul matmul;
  dnnl::memory::desc src, weights, dst, scratchpad;
};

struct OnednnMatrix::State {
  // A primitive is made for one shape; its operands are dense rows.
  struct Shape {
    std::size_t m = 0, cols = 0;
    auto operator<=>(const Shape&) const = default;
  };

  dnnl::memory::desc packed_desc;  // weights [k, n] in oneDNN's blocked layout
  std::size_t block_stride_bytes = 0;  // bytes between consecutive blocks of kColumnAlign columns
  void* packed = nullptr;              // packed_desc.get_size() bytes, 64-byte aligned
  std::size_t packed_bytes = 0;
  mutable std::mutex mutex;
  mutable std::map<Shape, Primitive> primitives;

  ~State() {
    if (packed != nullptr) ::operator delete(packed, std::align_val_t{64});
  }

  Primitive make_primitive(Precision p, std::size_t k, const Shape& shape) const {
    using dim = dnnl::memory::dim;
    const auto mi = static_cast<dim>(shape.m), ki = static_cast<dim>(k), ci = static_cast<dim>(shape.cols);
    Primitive prim;
    prim.src = dnnl::memory::desc({mi, ki}, src_type(p), dims{ki, 1});
    // A range of `cols` columns of the packed weights, described as a matrix of its own in
    // the same blocked layout: blocks of 64 columns are outermost, so a range of whole
    // blocks is that layout at an offset into the buffer.
    dnnl_memory_desc_t range = packed_desc.data;
    range.dims[1] = ci;
    range.padded_dims[1] = static_cast<dim>((shape.cols + kColumnAlign - 1) / kColumnAlign * kColumnAlign);
    range.offset0 = 0;
    prim.weights = dnnl::memory::desc(range);
    prim.dst = dnnl::memory::desc({mi, ci}, dst_type(p), dims{ci, 1});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(prim.src, prim.weights, prim.dst), attr, cpu_engine());
    // Anything but brgemm here would be a fallback hundreds of times slower.
    MOLT_CHECK(std::string(pd.impl_info_str()).rfind("brg", 0) == 0);
    prim.scratchpad = pd.scratchpad_desc();
    prim.matmul = dnnl::matmul(pd);
    return prim;
  }
};

OnednnMatrix::OnednnMatrix(const Kernels& owner, Precision precision, std::size_t n, std::size_t k)
    : PackedMatrix(owner, precision, n, k), state_(std::make_unique<State>()) {}

OnednnMatrix::~OnednnMatrix() = default;

std::unique_ptr<OnednnMatrix> OnednnMatrix::make(const Kernels& owner, const float* w, std::size_t n, std::size_t k,
                                                 Precision precision) {
  use_one_openmp_thread();
  const auto ni = static_cast<dnnl::memory::dim>(n), ki = static_cast<dnnl::memory::dim>(k);
  // Let oneDNN choose the weights' layout for a typical block of rows, then check that it
  // chose a real (JIT) implementation and a layout of whole 64-column blocks.
  const dnnl::memory::desc src({64, ki}, src_type(precision), dims{ki, 1});
  const dnnl::memory::desc any_weights({ki, ni}, weight_type(precision), dnnl::memory::format_tag::any);
  const dnnl::memory::desc dst({64, ni}, dst_type(precision), dims{ni, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::matmul::primitive_desc pd;
  try {
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, any_weights, dst), attr, cpu_engine());
  } catch (const dnnl::error&) {
    return nullptr;
  }
  const std::string impl = pd.impl_info_str();
  if (impl.rfind("brg", 0) != 0) return nullptr;  // e.g. "ref:any" or "gemm:jit" with plain weights
  const dnnl::memory::desc packed = pd.weights_desc();
  const dnnl_memory_desc_t& raw = packed.data;
  if (raw.format_kind != dnnl_blocked || raw.format_desc.blocking.inner_nblks < 2) return nullptr;
  // The outermost dimension must be the 64-column blocks (BA…64b…): a column range is then
  // a contiguous slice of the buffer.
  const auto& blocking = raw.format_desc.blocking;
  bool columns_of_64 = false;
  for (int i = 0; i < blocking.inner_nblks; ++i) {
    if (blocking.inner_idxs[i] == 1 && blocking.inner_blks[i] == static_cast<dnnl_dim_t>(kColumnAlign)) {
      columns_of_64 = true;
    }
  }
  if (!columns_of_64 || blocking.strides[1] < blocking.strides[0]) return nullptr;

  std::unique_ptr<OnednnMatrix> m(new OnednnMatrix(owner, precision, n, k));
  State& s = *m->state_;
  m->implementation_ = impl;
  s.packed_desc = packed;
  s.block_stride_bytes = static_cast<std::size_t>(blocking.strides[1]) * src_bytes(precision);
  s.packed_bytes = packed.get_size();
  s.packed = ::operator new(s.packed_bytes, std::align_val_t{64});
  std::memset(s.packed, 0, s.packed_bytes);

  // The weights in their plain form, [k, n] with n's stride k (w row-major [n, k]), in the
  // precision's format, then reordered into the blocked layout.
  std::vector<std::byte> plain(n * k * src_bytes(precision));
  if (precision == Precision::kF32) {
    std::memcpy(plain.data(), w, n * k * sizeof(float));
  } else if (precision == Precision::kBF16) {
    auto* out = reinterpret_cast<std::uint16_t*>(plain.data());
    for (std::size_t i = 0; i < n * k; ++i) out[i] = tensor::f32_to_bf16(w[i]);
  } else {
    auto* out = reinterpret_cast<std::int8_t*>(plain.data());
    m->scales_.resize(n);
    m->sums_.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const QuantizedRow q = quantize_weight_row(w + r * k, k, out + r * k);
      m->scales_[r] = q.scale;
      m->sums_[r] = q.sum;
    }
  }
  const dnnl::memory::desc plain_desc({ki, ni}, weight_type(precision), dims{1, ki});
  dnnl::memory from(plain_desc, cpu_engine(), plain.data());
  dnnl::memory to(packed, cpu_engine(), s.packed);
  dnnl::reorder(from, to).execute(thread_stream(), from, to);
  thread_stream().wait();
  return m;
}

const OnednnMatrix::Primitive& OnednnMatrix::primitive(std::size_t m, std::size_t cols) const {
  const State::Shape shape{m, cols};
  const std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->primitives.find(shape);
  if (it == state_->primitives.end()) {
    it = state_->primitives.emplace(shape, state_->make_primitive(precision(), this->cols(), shape)).first;
  }
  return it->second;  // std::map never moves its elements
}

void OnednnMatrix::multiply(std::size_t m, const void* a, std::size_t lda, std::size_t col_begin,
                            std::size_t col_end, void* c, std::size_t ldc, tensor::Workspace& scratch) const {
  MOLT_CHECK(col_begin % kColumnAlign == 0 && col_begin < col_end && col_end <= rows());
  use_one_openmp_thread();
  const std::size_t cols = col_end - col_begin, k = this->cols();
  const std::size_t a_row_bytes = lda * src_bytes(precision());
  const std::size_t c_row_bytes = ldc * (precision() == Precision::kInt8 ? sizeof(std::int32_t) : sizeof(float));
  auto* weights = static_cast<std::byte*>(state_->packed) + col_begin / kColumnAlign * state_->block_stride_bytes;
  // Making a primitive JIT-compiles its kernels (milliseconds), so only a few row counts get
  // one: m runs as pieces of kMaxRows, then of 32, 16, ..., 1 rows (its binary digits). Each
  // row's result is the same whichever piece it is in.
  // oneDNN 2.6's brgemm takes only dense rows (row stride = width); strided operands would
  // get its reference matmul, hundreds of times slower. A strided operand (e.g. a range of
  // output columns) goes through dense scratch rows.
  const std::size_t elem = precision() == Precision::kF32 ? sizeof(float) : src_bytes(precision());
  const bool dense_a = lda == k, dense_c = ldc == cols;
  std::size_t done = 0;
  while (done < m) {
    const std::size_t left = m - done;
    std::size_t piece = kMaxRows;
    if (left < kMaxRows) {
      piece = std::size_t{1} << (std::bit_width(left) - 1);
    }
    const Primitive& prim = primitive(piece, cols);
    const tensor::Workspace::Scope scope(scratch);
    const auto* a_rows = static_cast<const std::byte*>(a) + done * a_row_bytes;
    auto* c_rows = static_cast<std::byte*>(c) + done * c_row_bytes;
    void* a_dense = const_cast<std::byte*>(a_rows);
    void* c_dense = c_rows;
    if (!dense_a) {
      a_dense = scratch.floats((piece * k * elem + sizeof(float) - 1) / sizeof(float)).data();
      for (std::size_t r = 0; r < piece; ++r) {
        std::memcpy(static_cast<std::byte*>(a_dense) + r * k * elem, a_rows + r * a_row_bytes, k * elem);
      }
    }
    if (!dense_c) c_dense = scratch.floats(piece * cols).data();  // f32 or int32
    std::unordered_map<int, dnnl::memory> args = {
        {DNNL_ARG_SRC, dnnl::memory(prim.src, cpu_engine(), a_dense)},
        {DNNL_ARG_WEIGHTS, dnnl::memory(prim.weights, cpu_engine(), weights)},
        {DNNL_ARG_DST, dnnl::memory(prim.dst, cpu_engine(), c_dense)}};
    const std::size_t pad_bytes = prim.scratchpad.get_size();
    if (pad_bytes > 0) {
      void* pad = scratch.floats((pad_bytes + sizeof(float) - 1) / sizeof(float)).data();
      args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(prim.scratchpad, cpu_engine(), pad));
    }
    prim.matmul.execute(thread_stream(), args);
    if (!dense_c) {
      for (std::size_t r = 0; r < piece; ++r) {
        std::memcpy(c_rows + r * c_row_bytes, static_cast<const std::byte*>(c_dense) + r * cols * sizeof(float),
                    cols * sizeof(float));
      }
    }
    done += piece;
  }
}

std::size_t OnednnMatrix::n_bytes() const {
  return state_->packed_bytes + scales_.size() * sizeof(float) + sums_.size() * sizeof(std::int32_t);
}

}  // namespace molt::compute::cpu
