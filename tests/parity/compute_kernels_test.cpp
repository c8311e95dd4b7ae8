// Parity: every kernel of the CPU table against the scalar reference table (the oracle), on
// random operands of many shapes, strided views included, and the ops that split work
// across a thread pool against the same ops on one thread with the reference kernels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/thread_pool.h"
#include "molt/compute/blas.h"
#include "molt/compute/cpu/few_rows_product.h"
#include "molt/compute/kernels.h"
#include "molt/compute/ops.h"
#include "molt/layers/rotary_embedding.h"
#include "molt/tensor/cpu_features.h"
#include "molt/tensor/half.h"

namespace {

using molt::compute::Activation;
using molt::compute::Kernels;

std::vector<float> random_vector(std::size_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

const Kernels& ref() { return molt::compute::reference_kernels(); }
const Kernels& cpu() { return molt::compute::cpu_kernels(); }

struct GemmShape {
  std::size_t m, n, k, pad;  // pad: extra floats per row of every operand (strided views)
};

TEST(KernelParity, GemmNtMatchesReference) {
  std::mt19937 rng(7);
  const GemmShape shapes[] = {{1, 1, 1, 0},    {3, 5, 7, 0},     {16, 16, 16, 0},  {17, 33, 65, 3},
                              {2, 384, 384, 0}, {64, 96, 384, 5}, {130, 48, 80, 1}, {5, 1536, 384, 0}};
  for (const GemmShape& s : shapes) {
    SCOPED_TRACE(::testing::Message() << s.m << "x" << s.n << "x" << s.k);
    const std::size_t lda = s.k + s.pad, ldb = s.k + s.pad, ldc = s.n + s.pad;
    const auto a = random_vector(s.m * lda, rng), b = random_vector(s.n * ldb, rng);
    for (const float beta : {0.0f, 1.0f}) {
      auto c_ref = random_vector(s.m * ldc, rng);
      auto c_cpu = c_ref;
      ref().gemm_nt(s.m, s.n, s.k, 0.5f, a.data(), lda, b.data(), ldb, beta, c_ref.data(), ldc);
      cpu().gemm_nt(s.m, s.n, s.k, 0.5f, a.data(), lda, b.data(), ldb, beta, c_cpu.data(), ldc);
      for (std::size_t i = 0; i < s.m; ++i) {
        for (std::size_t j = 0; j < s.n; ++j) {
          double magnitude = 0.0;
          for (std::size_t p = 0; p < s.k; ++p) magnitude += std::fabs(a[i * lda + p] * b[j * ldb + p]);
          // float accumulation error is bounded by k·ε·Σ|a·b|; BLAS blocks do far better.
          const double bound = 1e-6 + static_cast<double>(s.k) * 1.2e-7 * magnitude;
          ASSERT_NEAR(c_cpu[i * ldc + j], c_ref[i * ldc + j], bound) << i << "," << j << " beta " << beta;
        }
        for (std::size_t j = s.n; j < ldc; ++j) ASSERT_EQ(c_cpu[i * ldc + j], c_ref[i * ldc + j]) << "padding";
      }
    }
  }
}

// The kernel that packs nothing, for a few rows: every shape class of its tiles (rows 1-4
// and past, columns 1-3 and past, k with and without a partial group of 8), strided views;
// and a row's result bit-identical whatever the other rows of the call.
TEST(KernelParity, FewRowsProductMatchesReferenceAndIsRowIndependent) {
  if (!molt::tensor::cpu_features().avx2_fma()) GTEST_SKIP() << "needs AVX2 and FMA";
  std::mt19937 rng(11);
  const GemmShape shapes[] = {{1, 1, 1, 0},   {1, 2, 7, 0},    {2, 3, 8, 1},      {3, 4, 9, 0},    {4, 5, 15, 2},
                              {5, 7, 16, 0},  {7, 11, 33, 3},  {8, 384, 384, 0},  {13, 50, 100, 1}, {32, 97, 1536, 0},
                              {32, 1536, 384, 4}, {40, 6, 20, 0}};
  for (const GemmShape& s : shapes) {
    SCOPED_TRACE(::testing::Message() << s.m << "x" << s.n << "x" << s.k);
    const std::size_t lda = s.k + s.pad, ldb = s.k + s.pad, ldc = s.n + s.pad;
    const auto a = random_vector(s.m * lda, rng), b = random_vector(s.n * ldb, rng);
    auto c_ref = random_vector(s.m * ldc, rng);
    auto c = c_ref;
    ref().gemm_nt(s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c_ref.data(), ldc);
    molt::compute::cpu::few_rows_product(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), ldc);
    for (std::size_t i = 0; i < s.m; ++i) {
      for (std::size_t j = 0; j < s.n; ++j) {
        double magnitude = 0.0;
        for (std::size_t p = 0; p < s.k; ++p) magnitude += std::fabs(a[i * lda + p] * b[j * ldb + p]);
        const double bound = 1e-6 + static_cast<double>(s.k) * 1.2e-7 * magnitude;
        ASSERT_NEAR(c[i * ldc + j], c_ref[i * ldc + j], bound) << i << "," << j;
      }
      for (std::size_t j = s.n; j < ldc; ++j) ASSERT_EQ(c[i * ldc + j], c_ref[i * ldc + j]) << "padding";
    }
    // Each row alone, and the last column alone: the same bits.
    for (std::size_t i = 0; i < s.m; ++i) {
      std::vector<float> row(s.n);
      molt::compute::cpu::few_rows_product(1, s.n, s.k, a.data() + i * lda, lda, b.data(), ldb, row.data(), s.n);
      for (std::size_t j = 0; j < s.n; ++j) ASSERT_EQ(row[j], c[i * ldc + j]) << "row " << i << " alone, column " << j;
      float last = 0.0f;
      molt::compute::cpu::few_rows_product(1, 1, s.k, a.data() + i * lda, lda, b.data() + (s.n - 1) * ldb, ldb, &last, 1);
      ASSERT_EQ(last, c[i * ldc + s.n - 1]) << "row " << i << ", last column alone";
    }
  }
}

// bf16 and int8 weights read in place: the same bits as the f32 kernel over the same values.
TEST(KernelParity, FewRowsProductOfBf16AndInt8WeightsEqualsTheF32One) {
  if (!molt::tensor::cpu_features().avx2_fma()) GTEST_SKIP() << "needs AVX2 and FMA";
  std::mt19937 rng(12);
  const GemmShape shapes[] = {{1, 1, 1, 0}, {3, 4, 9, 0}, {5, 7, 16, 2}, {8, 384, 384, 0}, {13, 50, 100, 1},
                              {32, 97, 1536, 0}};
  for (const GemmShape& s : shapes) {
    SCOPED_TRACE(::testing::Message() << s.m << "x" << s.n << "x" << s.k);
    const std::size_t lda = s.k + s.pad, ldb = s.k + s.pad, ldc = s.n + s.pad;
    const auto a = random_vector(s.m * lda, rng);
    std::vector<std::uint16_t> b16(s.n * ldb);
    std::vector<std::int8_t> b8(s.n * ldb);
    std::vector<float> from16(s.n * ldb), from8(s.n * ldb);
    std::uniform_int_distribution<int> int8_value(-127, 127);
    for (std::size_t i = 0; i < b16.size(); ++i) {
      b16[i] = molt::tensor::f32_to_bf16(std::normal_distribution<float>(0.0f, 1.0f)(rng));
      from16[i] = molt::tensor::bf16_to_f32(b16[i]);
      b8[i] = static_cast<std::int8_t>(int8_value(rng));
      from8[i] = b8[i];
    }
    std::vector<float> want(s.m * ldc), got(s.m * ldc);
    molt::compute::cpu::few_rows_product(s.m, s.n, s.k, a.data(), lda, from16.data(), ldb, want.data(), ldc);
    molt::compute::cpu::few_rows_product_bf16(s.m, s.n, s.k, a.data(), lda, b16.data(), ldb, got.data(), ldc);
    ASSERT_EQ(got, want) << "bf16";
    molt::compute::cpu::few_rows_product(s.m, s.n, s.k, a.data(), lda, from8.data(), ldb, want.data(), ldc);
    molt::compute::cpu::few_rows_product_int8(s.m, s.n, s.k, a.data(), lda, b8.data(), ldb, got.data(), ldc);
    ASSERT_EQ(got, want) << "int8";
  }
}

TEST(KernelParity, GemmNnMatchesReference) {
  std::mt19937 rng(8);
  const GemmShape shapes[] = {{1, 1, 1, 0}, {7, 32, 7, 0}, {64, 64, 64, 2}, {100, 33, 100, 1}};
  for (const GemmShape& s : shapes) {
    const std::size_t lda = s.k + s.pad, ldb = s.n + s.pad, ldc = s.n + s.pad;
    const auto a = random_vector(s.m * lda, rng), b = random_vector(s.k * ldb, rng);
    std::vector<float> c_ref(s.m * ldc, 0.0f), c_cpu(s.m * ldc, 0.0f);
    ref().gemm_nn(s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c_ref.data(), ldc);
    cpu().gemm_nn(s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c_cpu.data(), ldc);
    for (std::size_t i = 0; i < s.m; ++i) {
      for (std::size_t j = 0; j < s.n; ++j) {
        ASSERT_NEAR(c_cpu[i * ldc + j], c_ref[i * ldc + j], 1e-6 + 1.2e-7 * static_cast<double>(s.k) * 4.0);
      }
    }
  }
}

TEST(KernelParity, GemmUniformRowsMakesRowsIndependentOfTheBatch) {
  // The property the runtime's batch invariance rests on: past uniform_rows, a row's result
  // is the same bits whatever the number of rows.
  std::mt19937 rng(9);
  for (const auto& [n, k] : {std::pair<std::size_t, std::size_t>{16, 64}, {48, 48}, {384, 384}, {1536, 384}}) {
    const std::size_t rows = 80;
    const auto a = random_vector(rows * k, rng), b = random_vector(n * k, rng);
    std::vector<float> all(rows * n);
    cpu().gemm_nt(rows, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, all.data(), n);
    const std::size_t u = cpu().gemm_nt_uniform_rows(n, k);
    if (u == 0) {
      GTEST_SKIP() << "OpenBLAS's " << molt::compute::blas_core_name()
                   << " kernels round a row by its place in a block; the invariance tests bound the difference";
    }
    ASSERT_LE(u, rows);
    for (std::size_t m = u; m < rows; m += 7) {
      std::vector<float> part(m * n);
      cpu().gemm_nt(m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, part.data(), n);
      ASSERT_TRUE(std::equal(part.begin(), part.end(), all.begin())) << n << "x" << k << " m " << m;
    }
  }
}

TEST(KernelParity, ElementwiseKernelsMatchReference) {
  std::mt19937 rng(10);
  const std::size_t rows = 9, cols = 37, ld = 40;
  const auto x = random_vector(rows * ld, rng, 3.0f), bias = random_vector(cols, rng);
  for (const Activation act : {Activation::kIdentity, Activation::kGeluErf, Activation::kGeluTanh,
                               Activation::kRelu, Activation::kSilu, Activation::kTanh, Activation::kSigmoid}) {
    SCOPED_TRACE(molt::compute::activation_name(act));
    for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
      auto y_ref = x, y_cpu = x;
      ref().bias_activation(act, y_ref.data(), ld, rows, cols, b);
      cpu().bias_activation(act, y_cpu.data(), ld, rows, cols, b);
      for (std::size_t i = 0; i < y_ref.size(); ++i) {
        ASSERT_NEAR(y_cpu[i], y_ref[i], 1e-7 + 4e-7 * std::fabs(y_ref[i])) << i;
      }
    }
  }
  const auto residual = random_vector(rows * ld, rng), gamma = random_vector(cols, rng), beta = random_vector(cols, rng);
  for (const float* res : {static_cast<const float*>(nullptr), residual.data()}) {
    auto y_ref = x, y_cpu = x;
    ref().add_layer_norm(y_ref.data(), ld, res, ld, rows, cols, gamma.data(), beta.data(), 1e-12f);
    cpu().add_layer_norm(y_cpu.data(), ld, res, ld, rows, cols, gamma.data(), beta.data(), 1e-12f);
    for (std::size_t i = 0; i < y_ref.size(); ++i) ASSERT_NEAR(y_cpu[i], y_ref[i], 2e-6 * (1 + std::fabs(y_ref[i])));
  }
  auto s_ref = x, s_cpu = x;
  ref().softmax_rows(s_ref.data(), ld, rows, cols);
  cpu().softmax_rows(s_cpu.data(), ld, rows, cols);
  for (std::size_t i = 0; i < s_ref.size(); ++i) ASSERT_NEAR(s_cpu[i], s_ref[i], 1e-7 + 1e-6 * std::fabs(s_ref[i]));
}

// GELU's tails and softmax over a wide spread, where the vector exp clamps its argument.
TEST(KernelParity, GeluAndSoftmaxHoldAtTheExtremes) {
  std::vector<float> x = {-100.0f, -30.0f, -14.0f, -10.0f, -5.0f, -1e-3f, -0.0f, 0.0f,
                          1e-3f,   5.0f,   10.0f,  14.0f,  30.0f, 100.0f, -3.3f, 2.2f, 0.7f};
  auto y_ref = x, y_cpu = x;
  ref().bias_activation(Activation::kGeluErf, y_ref.data(), x.size(), 1, x.size(), nullptr);
  cpu().bias_activation(Activation::kGeluErf, y_cpu.data(), x.size(), 1, x.size(), nullptr);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_NEAR(y_cpu[i], y_ref[i], 1e-7 + 4e-7 * std::fabs(y_ref[i])) << "gelu(" << x[i] << ")";
  }
  for (const std::size_t cols : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{19}}) {
    std::vector<float> row(cols);
    for (std::size_t c = 0; c < cols; ++c) row[c] = -300.0f * static_cast<float>(c % 3) + static_cast<float>(c);
    auto s_ref = row, s_cpu = row;
    ref().softmax_rows(s_ref.data(), cols, 1, cols);
    cpu().softmax_rows(s_cpu.data(), cols, 1, cols);
    double total = 0.0;
    for (std::size_t c = 0; c < cols; ++c) {
      ASSERT_NEAR(s_cpu[c], s_ref[c], 1e-7 + 1e-6 * std::fabs(s_ref[c])) << cols << " columns, " << c;
      total += s_cpu[c];
    }
    EXPECT_NEAR(total, 1.0, 1e-6) << cols << " columns";
  }
}

TEST(KernelParity, RotaryAndGatedActivationMatchReference) {
  std::mt19937 rng(12);
  // 5 tokens of 3 heads of 16 values in a strided view (a column block of a wider matrix).
  const std::size_t rows = 5, heads = 3, head_dim = 16, ld = heads * head_dim + 7;
  const auto x = random_vector(rows * ld, rng, 2.0f);
  std::uniform_real_distribution<float> angle(-40.0f, 40.0f);
  const std::size_t half = 8, ld_table = half + 3;
  std::vector<float> cos(rows * ld_table), sin(rows * ld_table);
  for (std::size_t i = 0; i < cos.size(); ++i) {
    const float a = angle(rng);
    cos[i] = std::cos(a);
    sin[i] = std::sin(a);
  }
  for (const std::size_t rotary_dim : {std::size_t{16}, std::size_t{8}}) {
    for (const bool interleaved : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "rotary_dim " << rotary_dim << " interleaved " << interleaved);
      auto y_ref = x, y_cpu = x;
      ref().rotary(y_ref.data(), ld, rows, heads, head_dim, rotary_dim, interleaved, cos.data(), sin.data(), ld_table);
      cpu().rotary(y_cpu.data(), ld, rows, heads, head_dim, rotary_dim, interleaved, cos.data(), sin.data(), ld_table);
      for (std::size_t i = 0; i < y_ref.size(); ++i) ASSERT_NEAR(y_cpu[i], y_ref[i], 1e-6 * (1 + std::fabs(y_ref[i]))) << i;
    }
  }
  const std::size_t cols = 37, ldg = 41;
  const auto gate = random_vector(rows * ldg, rng, 3.0f);
  for (const Activation act : {Activation::kSilu, Activation::kGeluErf, Activation::kSigmoid}) {
    SCOPED_TRACE(molt::compute::activation_name(act));
    auto y_ref = x, y_cpu = x;
    ref().gated_activation(act, y_ref.data(), ld, gate.data(), ldg, rows, cols);
    cpu().gated_activation(act, y_cpu.data(), ld, gate.data(), ldg, rows, cols);
    // The activation's float error scales with the factor it multiplies.
    for (std::size_t i = 0; i < y_ref.size(); ++i) {
      ASSERT_NEAR(y_cpu[i], y_ref[i], 1e-7 * (1 + std::fabs(x[i])) + 4e-7 * std::fabs(y_ref[i])) << i;
    }
  }
}

// The ops with a pool of three threads and the CPU kernels, against the ops on one thread
// with the reference kernels.
TEST(OpParity, ThreadedOpsMatchTheReferenceOnOneThread) {
  std::mt19937 rng(11);
  molt::ThreadPool pool(3);
  const molt::compute::Context fast{&cpu(), &pool};
  const molt::compute::Context oracle{&ref(), nullptr};
  molt::tensor::Workspace ws;

  // Linear with bias and GELU, many tokens (row split) and few tokens (column split).
  const std::size_t in = 96, out = 200;
  const auto w_values = random_vector(out * in, rng, 0.1f), b_values = random_vector(out, rng);
  const auto w = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32({static_cast<std::int64_t>(out), static_cast<std::int64_t>(in)}, w_values));
  const auto b = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32({static_cast<std::int64_t>(out)}, b_values));
  for (const std::size_t n : {std::size_t{3}, std::size_t{250}}) {
    const auto x = random_vector(n * in, rng);
    std::vector<float> y_fast(n * out), y_ref(n * out);
    molt::compute::linear(fast, {x.data(), n, in}, w, &b, {y_fast.data(), n, out}, Activation::kGeluErf);
    molt::compute::linear(oracle, {x.data(), n, in}, w, &b, {y_ref.data(), n, out}, Activation::kGeluErf);
    for (std::size_t i = 0; i < y_ref.size(); ++i) ASSERT_NEAR(y_fast[i], y_ref[i], 2e-5) << "n " << n << " i " << i;
  }

  // Attention over three packed sequences of different lengths, 4 heads of 8.
  const std::vector<std::uint32_t> offsets = {0, 5, 6, 19};
  const std::size_t n = offsets.back(), heads = 4, head_dim = 8, width = heads * head_dim;
  const auto qkv = random_vector(n * 3 * width, rng);
  std::vector<float> o_fast(n * width), o_ref(n * width);
  for (const auto& [ctx, o] : {std::pair{&fast, &o_fast}, std::pair{&oracle, &o_ref}}) {
    molt::compute::AttentionArgs args;
    args.q = {qkv.data(), n, width, 3 * width};
    args.k = {qkv.data() + width, n, width, 3 * width};
    args.v = {qkv.data() + 2 * width, n, width, 3 * width};
    args.out = {o->data(), n, width};
    args.offsets = offsets;
    args.n_heads = heads;
    args.head_dim = head_dim;
    args.scale = 0.35f;
    ws.reset();
    molt::compute::attention(*ctx, args, ws);
  }
  for (std::size_t i = 0; i < o_ref.size(); ++i) ASSERT_NEAR(o_fast[i], o_ref[i], 1e-5) << i;

  // Rotary embeddings over packed sequences whose boundaries fall inside the pieces the
  // pool splits the tokens into: every token turns by its position in its own sequence.
  const std::vector<std::uint32_t> seqs = {0, 5, 6, 6, 40, 57};
  const std::size_t m = seqs.back();
  const molt::layers::RotaryEmbedding rope({.head_dim = head_dim, .rotary_dim = 6, .base = 1000.0, .interleaved = false});
  ws.reset();
  const auto table = rope.table(34, ws);
  const auto q = random_vector(m * 3 * width, rng);
  auto r_fast = q, r_ref = q;
  molt::compute::rotary(fast, {r_fast.data(), m, width, 3 * width}, seqs, heads, table);
  molt::compute::rotary(oracle, {r_ref.data(), m, width, 3 * width}, seqs, heads, table);
  for (std::size_t i = 0; i < r_ref.size(); ++i) ASSERT_NEAR(r_fast[i], r_ref[i], 1e-6) << i;
  // Token 7 (position 1 of the fourth sequence) equals token 7 rotated alone at position 1.
  std::vector<float> alone(q.begin() + 6 * 3 * width, q.begin() + 8 * 3 * width);
  const std::vector<std::uint32_t> two = {0, 2};
  molt::compute::rotary(oracle, {alone.data(), 2, width, 3 * width}, two, heads, table);
  for (std::size_t c = 0; c < width; ++c) ASSERT_EQ(alone[3 * width + c], r_ref[7 * 3 * width + c]) << c;
  for (std::size_t c = width; c < 3 * width; ++c) ASSERT_EQ(r_ref[7 * 3 * width + c], q[7 * 3 * width + c]) << "k, v untouched";
}

// Linear layers in every precision: the AVX-512 table (oneDNN brgemm) against the reference
// table, which computes bf16 and int8 exactly as compute/quantize.h defines them, so the two
// differ only by the order of f32 sums (bf16, f32) or not at all before dequantization
// (int8's int32 sums are exact). Many rows (row blocks, a remainder of every size class),
// few rows on a pool (column ranges), and one row at a time (each row's result must not
// depend on the rows multiplied with it).
// compute::linear with `fast_kernels` on a pool against the reference table in each
// precision, over row counts on both sides of the few-rows kernel's limit; rows_identical(n)
// says whether a row computed alone must equal its row of an n-row call bit for bit.
template <class RowsIdentical>
void check_linear_against_reference(const Kernels& fast_kernels, RowsIdentical rows_identical) {
  std::mt19937 rng(13);
  molt::ThreadPool pool(2);
  const std::size_t in = 384, out = 1152;
  const auto w_values = random_vector(out * in, rng, 0.05f), b_values = random_vector(out, rng);
  const auto w = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32({static_cast<std::int64_t>(out), static_cast<std::int64_t>(in)}, w_values));
  const auto b = molt::compute::Weight::dense(molt::tensor::Tensor::from_f32({static_cast<std::int64_t>(out)}, b_values));
  using molt::compute::Precision;
  for (const Precision p : {Precision::kF32, Precision::kBF16, Precision::kInt8}) {
    const molt::compute::Context fast{&fast_kernels, &pool, p};
    const molt::compute::Context fast_one{&fast_kernels, nullptr, p};
    const molt::compute::Context oracle{&ref(), nullptr, p};
    for (const std::size_t n : {std::size_t{1}, std::size_t{8}, std::size_t{32}, std::size_t{33}, std::size_t{127},
                                std::size_t{300}}) {
      SCOPED_TRACE(::testing::Message() << "precision " << static_cast<int>(p) << ", rows " << n);
      const auto x = random_vector(n * in, rng);
      std::vector<float> y_fast(n * out), y_ref(n * out), y_row(out);
      molt::compute::linear(fast, {x.data(), n, in}, w, &b, {y_fast.data(), n, out}, Activation::kGeluErf);
      molt::compute::linear(oracle, {x.data(), n, in}, w, &b, {y_ref.data(), n, out}, Activation::kGeluErf);
      // bf16 rounds activations after GELU's cheaper form: a few bf16 ulps of the output.
      const float tol = p == Precision::kF32 ? 2e-5f : 2e-3f;
      for (std::size_t i = 0; i < y_ref.size(); ++i) {
        ASSERT_NEAR(y_fast[i], y_ref[i], tol + tol * std::fabs(y_ref[i])) << "i " << i;
      }
      if (!rows_identical(n)) continue;
      for (const std::size_t r : {std::size_t{0}, n / 2, n - 1}) {
        molt::compute::linear(fast_one, {x.data() + r * in, 1, in}, w, &b, {y_row.data(), 1, out}, Activation::kGeluErf);
        for (std::size_t j = 0; j < out; ++j) ASSERT_EQ(y_row[j], y_fast[r * out + j]) << "row " << r << " col " << j;
      }
    }
  }
}

TEST(OpParity, LinearInEveryPrecisionMatchesTheReferenceTable) {
  const Kernels& fast_kernels = molt::compute::avx512_kernels();
  if (&fast_kernels == &cpu() || !molt::tensor::cpu_features().avx512_core()) GTEST_SKIP() << "no AVX-512 on this CPU";
  check_linear_against_reference(fast_kernels, [](std::size_t) { return true; });
}

// The OpenBLAS table: its rows are batch-independent where OpenBLAS's are (Skylake-X
// kernels, padded calls) and, elsewhere, within the few-rows kernel's range.
TEST(OpParity, OpenBlasTableLinearInEveryPrecisionMatchesTheReferenceTable) {
  const bool uniform = cpu().gemm_nt_uniform_rows(1152, 384) != 0;
  check_linear_against_reference(cpu(), [&](std::size_t n) {
    return uniform || (molt::tensor::cpu_features().avx2_fma() && n <= molt::compute::cpu::kFewRowsMax);
  });
}

}  // namespace
