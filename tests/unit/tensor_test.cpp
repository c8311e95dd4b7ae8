// DType table, shape arithmetic and the Tensor type (molt/tensor/).
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/tensor/dtype.h"
#include "molt/tensor/shape.h"
#include "molt/tensor/tensor.h"

namespace {

using molt::tensor::DType;
using molt::tensor::Shape;
using molt::tensor::Tensor;

TEST(DType, GgmlIdsAndBlockGeometry) {
  // (id, name, block size, block bytes) as ggml.c's type_traits give them.
  struct Row {
    std::uint32_t id;
    const char* name;
    std::int64_t block;
    std::int64_t bytes;
  };
  const Row rows[] = {{0, "F32", 1, 4},      {1, "F16", 1, 2},      {2, "Q4_0", 32, 18},
                      {3, "Q4_1", 32, 20},   {6, "Q5_0", 32, 22},   {7, "Q5_1", 32, 24},
                      {8, "Q8_0", 32, 34},   {9, "Q8_1", 32, 36},   {10, "Q2_K", 256, 84},
                      {11, "Q3_K", 256, 110}, {12, "Q4_K", 256, 144}, {13, "Q5_K", 256, 176},
                      {14, "Q6_K", 256, 210}, {15, "Q8_K", 256, 292}, {16, "IQ2_XXS", 256, 66},
                      {17, "IQ2_XS", 256, 74}, {18, "IQ3_XXS", 256, 98}, {19, "IQ1_S", 256, 50},
                      {20, "IQ4_NL", 32, 18}, {21, "IQ3_S", 256, 110}, {22, "IQ2_S", 256, 82},
                      {23, "IQ4_XS", 256, 136}, {24, "I8", 1, 1},   {25, "I16", 1, 2},
                      {26, "I32", 1, 4},     {27, "I64", 1, 8},     {28, "F64", 1, 8},
                      {29, "IQ1_M", 256, 56}, {30, "BF16", 1, 2},   {34, "TQ1_0", 256, 54},
                      {35, "TQ2_0", 256, 66}, {39, "MXFP4", 32, 17}};
  for (const Row& row : rows) {
    const auto dtype = molt::tensor::dtype_from_ggml(row.id);
    ASSERT_TRUE(dtype) << row.name;
    const auto& info = molt::tensor::dtype_info(*dtype);
    EXPECT_EQ(info.name, row.name);
    EXPECT_EQ(info.block_size, row.block) << row.name;
    EXPECT_EQ(info.block_bytes, row.bytes) << row.name;
    EXPECT_EQ(info.ggml_id, static_cast<std::int32_t>(row.id));
  }
  for (const std::uint32_t removed : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u}) {
    EXPECT_FALSE(molt::tensor::dtype_from_ggml(removed)) << removed;
    EXPECT_FALSE(molt::tensor::ggml_type_name(removed).empty()) << removed;
  }
  EXPECT_EQ(molt::tensor::ggml_type_name(4), "Q4_2");
  EXPECT_FALSE(molt::tensor::dtype_from_ggml(40));
  EXPECT_TRUE(molt::tensor::ggml_type_name(1000).empty());
}

TEST(DType, SafetensorsNames) {
  for (const char* name : {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32",
                           "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}) {
    const auto dtype = molt::tensor::dtype_from_safetensors(name);
    ASSERT_TRUE(dtype) << name;
    EXPECT_EQ(molt::tensor::dtype_name(*dtype), name);
  }
  EXPECT_FALSE(molt::tensor::dtype_from_safetensors("Q8_0"));  // GGML-only
  EXPECT_FALSE(molt::tensor::dtype_from_safetensors("f32"));
  EXPECT_FALSE(molt::tensor::dtype_from_safetensors("F4"));
}

TEST(Shape, ElementCountAndByteSize) {
  EXPECT_EQ(molt::tensor::checked_element_count(Shape{}), 1);
  EXPECT_EQ(molt::tensor::checked_element_count(Shape{3, 0, 5}), 0);
  EXPECT_EQ(molt::tensor::checked_element_count(Shape{30522, 384}), 30522 * 384);
  EXPECT_FALSE(molt::tensor::checked_element_count(Shape{2, -1}));
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 2 + 1;
  EXPECT_FALSE(molt::tensor::checked_element_count(Shape{big, 2}));
  EXPECT_EQ(molt::tensor::checked_element_count(Shape{big - 1, 2}), (big - 1) * 2);

  EXPECT_EQ(molt::tensor::checked_byte_size(DType::kF16, Shape{3, 4}), 24);
  EXPECT_EQ(molt::tensor::checked_byte_size(DType::kQ8_0, Shape{2, 64}), 2 * 2 * 34);
  EXPECT_EQ(molt::tensor::checked_byte_size(DType::kQ4_K, Shape{3, 512}), 3 * 2 * 144);
  EXPECT_FALSE(molt::tensor::checked_byte_size(DType::kQ8_0, Shape{64, 16}));  // rows of 16
  EXPECT_FALSE(molt::tensor::checked_byte_size(DType::kQ8_0, Shape{}));
  EXPECT_FALSE(molt::tensor::checked_byte_size(DType::kF64, Shape{big, 1}));   // bytes overflow
  EXPECT_NE(molt::tensor::byte_size_problem(DType::kQ8_0, Shape{64, 16}).find("block size 32"),
            std::string::npos);
  EXPECT_EQ(molt::tensor::shape_string(Shape{2, 3}), "[2, 3]");
  EXPECT_EQ(molt::tensor::shape_string(Shape{}), "[]");
}

TEST(Tensor, OwningAndViews) {
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  Tensor t = Tensor::from_f32({2, 3}, values);
  EXPECT_TRUE(t.owns_data());
  EXPECT_EQ(t.rank(), 2);
  EXPECT_EQ(t.dim(0), 2);
  EXPECT_EQ(t.dim(-1), 3);
  EXPECT_EQ(t.n_elements(), 6);
  EXPECT_EQ(t.n_bytes(), 24u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.bytes().data()) % 64, 0u);
  EXPECT_EQ(t.values<float>()[4], 5.0f);

  const Tensor v = t.view();
  EXPECT_FALSE(v.owns_data());
  EXPECT_EQ(v.bytes().data(), t.bytes().data());
  const Tensor r = t.reshaped({3, 2});
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_EQ(r.values<float>()[5], 6.0f);

  Tensor c = t.clone();
  c.mutable_values<float>()[0] = 10;
  EXPECT_EQ(t.values<float>()[0], 1.0f);
  EXPECT_EQ(c.values<float>()[0], 10.0f);

  Tensor moved = std::move(c);
  EXPECT_EQ(moved.values<float>()[0], 10.0f);

  const Tensor z = Tensor::zeros(DType::kI64, {4});
  EXPECT_EQ(z.values<std::int64_t>()[3], 0);
  EXPECT_FALSE(z.holds<float>());
  const Tensor empty;
  EXPECT_EQ(empty.n_elements(), 0);
  EXPECT_EQ(empty.shape(), (Shape{0}));
}

TEST(Tensor, ToF32ConvertsAndAsF32AvoidsCopies) {
  // F16 [2, 2]: 1, -2, 0.5, 65504.
  const std::uint16_t halves[] = {0x3c00, 0xc000, 0x3800, 0x7bff};
  const Tensor h = Tensor::view_of(DType::kF16, {2, 2}, std::as_bytes(std::span(halves)));
  const Tensor f = h.to_f32();
  EXPECT_TRUE(f.owns_data());
  EXPECT_EQ(f.shape(), (Shape{2, 2}));
  EXPECT_EQ(f.values<float>()[1], -2.0f);
  EXPECT_EQ(f.values<float>()[3], 65504.0f);

  const Tensor same = f.as_f32();  // already aligned F32: a view, no copy
  EXPECT_FALSE(same.owns_data());
  EXPECT_EQ(same.bytes().data(), f.bytes().data());

  // Misaligned F32 bytes (as a memory map may give them) are copied.
  std::vector<std::byte> storage(17);
  const float one = 1.5f;
  for (int i = 0; i < 4; ++i) std::memcpy(storage.data() + 1 + 4 * i, &one, 4);
  const Tensor misaligned = Tensor::view_of(DType::kF32, {4}, std::span(storage).subspan(1, 16));
  EXPECT_FALSE(misaligned.holds<float>());
  const Tensor aligned = misaligned.as_f32();
  EXPECT_TRUE(aligned.owns_data());
  EXPECT_EQ(aligned.values<float>()[3], 1.5f);

  // Q8_0 [1, 32] with d = 2: value j = 2 * q[j].
  std::vector<std::uint8_t> block(34, 0);
  block[0] = 0x00;
  block[1] = 0x40;
  block[2 + 5] = 3;
  const Tensor q = Tensor::view_of(DType::kQ8_0, {1, 32}, std::as_bytes(std::span(block)));
  EXPECT_EQ(q.to_f32().values<float>()[5], 6.0f);

  const Tensor ints = Tensor::zeros(DType::kI64, {2});
  try {
    (void)ints.to_f32();
    FAIL() << "no error";
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("I64"), std::string::npos);
  }
}

}  // namespace
