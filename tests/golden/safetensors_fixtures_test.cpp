// Every fixture model.safetensors under ../shared loads through the safetensors reader, with
// the facts REFERENCE.md states: tiny-bert's int64 position_ids, tiny-bert-f16's F16
// weights with subnormals widened exactly, and the static models.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "molt/formats/safetensors_checkpoint.h"
#include "molt/tensor/half.h"
#include "tests/support/test_env.h"

namespace {

using molt::formats::SafetensorsCheckpoint;
using molt::tensor::DType;
using molt::tensor::Shape;

std::uint16_t half_at(const molt::tensor::Tensor& t, std::size_t i) {
  std::uint16_t h;
  std::memcpy(&h, t.bytes().data() + 2 * i, 2);
  return h;
}

// The value an f16 subnormal bit pattern stands for: ±mantissa × 2^-24.
float subnormal_value(std::uint16_t h) {
  const float magnitude = std::ldexp(static_cast<float>(h & 0x3ff), -24);
  return (h & 0x8000) != 0 ? -magnitude : magnitude;
}

bool is_subnormal(std::uint16_t h) { return (h & 0x7c00) == 0 && (h & 0x3ff) != 0; }

TEST(SafetensorsFixtures, EveryTinyModelLoadsAndConverts) {
  struct Case {
    const char* folder;
    std::size_t n_tensors;
    DType dtype;
  };
  for (const Case& c : {Case{"tiny-bert", 40, DType::kF32}, Case{"tiny-bert-cls", 55, DType::kF32},
                        Case{"tiny-bert-f16", 55, DType::kF16},
                        Case{"tiny-nomic-bert", 22, DType::kF32}}) {
    SCOPED_TRACE(c.folder);
    MOLT_REQUIRE_FIXTURE(std::string(c.folder) + "/model.safetensors");
    const SafetensorsCheckpoint checkpoint(molt::test::fixtures_dir() / c.folder);
    ASSERT_EQ(checkpoint.files().size(), 1u);
    EXPECT_EQ(checkpoint.n_tensors(), c.n_tensors);
    EXPECT_EQ(checkpoint.files()[0].metadata().at("format"), "pt");
    for (const auto& info : checkpoint.files()[0].tensors()) {
      if (info.name == "embeddings.position_ids") continue;
      EXPECT_EQ(info.dtype, c.dtype) << info.name;
      const auto values = checkpoint.tensor(info.name).to_f32();
      EXPECT_EQ(values.shape(), info.shape);
      for (const float v : values.values<float>()) ASSERT_TRUE(std::isfinite(v)) << info.name;
    }
  }
}

TEST(SafetensorsFixtures, TinyBertKeepsItsInt64PositionIds) {
  MOLT_REQUIRE_FIXTURE("tiny-bert/model.safetensors");
  const SafetensorsCheckpoint checkpoint(molt::test::fixtures_dir() / "tiny-bert");
  const auto ids = checkpoint.tensor("embeddings.position_ids");
  EXPECT_EQ(ids.dtype(), DType::kI64);
  EXPECT_EQ(ids.shape(), (Shape{1, 128}));
  ASSERT_TRUE(ids.holds<std::int64_t>());
  for (std::int64_t i = 0; i < 128; ++i) EXPECT_EQ(ids.values<std::int64_t>()[i], i);
  EXPECT_EQ(checkpoint.tensor("embeddings.word_embeddings.weight").shape(), (Shape{30522, 16}));
}

TEST(SafetensorsFixtures, TinyBertF16SubnormalsWidenExactly) {
  MOLT_REQUIRE_FIXTURE("tiny-bert-f16/model.safetensors");
  const SafetensorsCheckpoint checkpoint(molt::test::fixtures_dir() / "tiny-bert-f16");
  // Known bit patterns from the file and the values they stand for.
  struct Known {
    const char* tensor;
    std::size_t index;
    std::uint16_t bits;
    float value;
  };
  for (const Known& k : {Known{"embeddings.word_embeddings.weight", 10096, 0x83c9, -5.7756900787353516e-05f},
                         Known{"embeddings.word_embeddings.weight", 30698, 0x0042, 3.933906555175781e-06f},
                         Known{"encoder.layer.1.output.dense.weight", 1751, 0x8009, -5.364418029785156e-07f},
                         Known{"embeddings.position_embeddings.weight", 438, 0x8388, -5.3882598876953125e-05f}}) {
    const auto t = checkpoint.tensor(k.tensor);
    EXPECT_EQ(half_at(t, k.index), k.bits) << k.tensor;
    EXPECT_EQ(t.to_f32().values<float>()[k.index], k.value) << k.tensor;
    EXPECT_EQ(subnormal_value(k.bits), k.value);
  }
  std::size_t subnormals = 0;
  for (const std::string& name : checkpoint.tensor_names()) {
    const auto t = checkpoint.tensor(name);
    const auto f = t.to_f32();
    for (std::size_t i = 0; i < static_cast<std::size_t>(t.n_elements()); ++i) {
      const std::uint16_t h = half_at(t, i);
      if (!is_subnormal(h)) continue;
      ++subnormals;
      EXPECT_EQ(f.values<float>()[i], subnormal_value(h)) << name << "[" << i << "]";
    }
  }
  EXPECT_EQ(subnormals, 26u);
}

TEST(SafetensorsFixtures, StaticModelsLoad) {
  MOLT_REQUIRE_MODEL("static-a/model.safetensors");
  MOLT_REQUIRE_MODEL("static-b/model.safetensors");
  const SafetensorsCheckpoint a(molt::test::models_dir() / "static-a");
  EXPECT_EQ(a.n_tensors(), 7u);
  EXPECT_EQ(a.find("embeddings.word_embeddings.weight")->shape, (Shape{30522, 384}));
  EXPECT_EQ(a.find("embeddings.word_embeddings.weight")->dtype, DType::kF32);

  const SafetensorsCheckpoint b(molt::test::models_dir() / "static-b");
  const auto words = b.tensor("embeddings.word_embeddings.weight");
  EXPECT_EQ(words.dtype(), DType::kF16);
  EXPECT_EQ(words.shape(), (Shape{30522, 768}));
  const auto f = words.to_f32();
  std::size_t subnormals = 0;
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(words.n_elements()); ++i) {
    const std::uint16_t h = half_at(words, i);
    const float expected = is_subnormal(h) ? subnormal_value(h) : molt::tensor::f16_to_f32(h);
    if (is_subnormal(h)) ++subnormals;
    if (std::memcmp(&expected, &f.values<float>()[i], 4) != 0) ++wrong;
  }
  EXPECT_EQ(subnormals, 4767233u);
  EXPECT_EQ(wrong, 0u);
}

}  // namespace
