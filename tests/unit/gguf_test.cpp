// The GGUF reader (molt/formats/gguf.h) on files built here: metadata of every type,
// typed accessors, tensor placement, and one file per validation failure.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/formats/gguf.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"

namespace {

using molt::formats::GgufFile;
using molt::formats::GgufType;
using molt::test::GgufBuilder;
using molt::test::le32;
using molt::test::le64;

constexpr std::uint32_t kF32 = 0;
constexpr std::uint32_t kF16 = 1;
constexpr std::uint32_t kQ8_0 = 8;

class GgufTest : public ::testing::Test {
 protected:
  std::string write(const std::string& bytes, const std::string& name = "t.gguf") {
    const auto path = dir_ / name;
    molt::test::write_bytes(path, bytes);
    return path.string();
  }
  // Parsing `bytes` fails with an input error naming the file and every part.
  void expect_bad(const std::string& bytes, std::initializer_list<std::string> parts) {
    const std::string path = write(bytes, "bad.gguf");
    try {
      GgufFile file(path);
      ADD_FAILURE() << "no error; expected one mentioning " << *parts.begin();
    } catch (const molt::Error& e) {
      EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.what();
      EXPECT_NE(std::string(e.what()).find("file " + path), std::string::npos) << e.what();
      for (const std::string& part : parts) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
            << "message lacks \"" << part << "\": " << e.what();
      }
    }
  }
  static GgufBuilder small_model() {
    GgufBuilder b;
    b.kv_string("general.architecture", "bert")
        .kv_u32("bert.block_count", 2)
        .tensor("w", kF32, {2, 3}, molt::test::f32_bytes({1, 2, 3, 4, 5, 6}))
        .tensor("v", kF32, {4}, molt::test::f32_bytes({7, 8, 9, 10}));
    return b;
  }

  molt::test::TempDir dir_;
};

TEST_F(GgufTest, ReadsMetadataOfEveryType) {
  GgufBuilder b;
  b.kv("u8", 0, "\x07")
      .kv("i8", 1, "\xff")
      .kv("u16", 2, molt::test::le16(65535))
      .kv("i16", 3, molt::test::le16(0x8000))
      .kv_u32("u32", 4000000000u)
      .kv_i32("i32", -5)
      .kv_f32("f32", 0.25f)
      .kv_bool("bool", true)
      .kv_string("string", "h\xc3\xa9llo")
      .kv("u64", 10, le64(std::numeric_limits<std::uint64_t>::max()))
      .kv("i64", 11, le64(static_cast<std::uint64_t>(-9)))
      .kv("f64", 12, le64(0x3ff8000000000000ull))  // 1.5
      .kv_string_array("tokens", {"[PAD]", "\xe2\x96\x81hello", ""})
      .kv_i32_array("types", {3, 1, -1})
      .kv("scores", 9, le32(6) + le64(2) + molt::test::f32_bytes({0.5f, -1.0f}))
      // An array of two arrays: [[1, 2], []] of i32, each with its own element type.
      .kv("nested", 9, le32(9) + le64(2) + le32(5) + le64(2) + le32(1) + le32(2) + le32(8) + le64(0));
  const GgufFile file(write(b.build()));
  const auto& m = file.metadata();
  EXPECT_EQ(file.version(), 3u);
  EXPECT_EQ(m.size(), 16u);
  EXPECT_EQ(m.entries()[0].first, "u8");  // file order
  EXPECT_EQ(m.get("u8").as_unsigned(), 7u);
  EXPECT_EQ(m.get("i8").as_signed(), -1);
  EXPECT_EQ(m.get("u16").as_unsigned(), 65535u);
  EXPECT_EQ(m.get("i16").as_signed(), -32768);
  EXPECT_EQ(m.get_u32("u32"), 4000000000u);
  EXPECT_EQ(m.get_i32("i32"), -5);
  EXPECT_EQ(m.get_f32("f32"), 0.25f);
  EXPECT_TRUE(m.get_bool("bool"));
  EXPECT_EQ(m.get_string("string"), "h\xc3\xa9llo");
  EXPECT_EQ(m.get_u64("u64"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(m.get("i64").as_signed(), -9);
  EXPECT_EQ(m.get("f64").as_floating(), 1.5);
  EXPECT_EQ(m.get_string_array("tokens"), (std::vector<std::string>{"[PAD]", "\xe2\x96\x81hello", ""}));
  EXPECT_EQ(m.get_i32_array("types"), (std::vector<std::int32_t>{3, 1, -1}));
  EXPECT_EQ(m.get_f32_array("scores"), (std::vector<float>{0.5f, -1.0f}));
  const auto& nested = m.get("nested");
  EXPECT_EQ(nested.type_name(), "array[array[i32]]");
  ASSERT_EQ(nested.array_size(), 2u);
  EXPECT_EQ(nested.element(0).element(1).as_signed(), 2);
  EXPECT_EQ(nested.arrays()[1].element_type(), GgufType::kString);
  EXPECT_EQ(nested.arrays()[1].array_size(), 0u);
  EXPECT_EQ(m.find_u32("missing"), std::nullopt);
  EXPECT_EQ(m.find_u32("u32"), 4000000000u);
  EXPECT_TRUE(file.tensors().empty());
}

TEST_F(GgufTest, TypedAccessorsNameTheKeyOnMismatch) {
  GgufBuilder b;
  b.kv_u32("bert.pooling_type", 2).kv_string("general.architecture", "bert").kv_i32_array("a", {1});
  const std::string path = write(b.build());
  const GgufFile file(path);
  const auto& m = file.metadata();
  const auto expect = [&](const std::function<void()>& f, const std::string& part) {
    try {
      f();
      ADD_FAILURE() << "no error";
    } catch (const molt::Error& e) {
      EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("file " + path), std::string::npos) << e.what();
    }
  };
  expect([&] { (void)m.get_string("bert.pooling_type"); },
         "bert.pooling_type holds u32, expected string");
  expect([&] { (void)m.get_i32("bert.pooling_type"); }, "holds u32, expected i32");
  expect([&] { (void)m.find_f32("bert.pooling_type"); }, "expected f32");
  expect([&] { (void)m.get_u32("general.architecture"); }, "general.architecture holds string");
  expect([&] { (void)m.get_string_array("a"); }, "holds array[i32], expected array[string]");
  expect([&] { (void)m.get_u32("bert.block_count"); }, "no key bert.block_count");
}

TEST_F(GgufTest, PlacesTensorsAndReversesDimensions) {
  auto b = small_model();
  b.tensor("h", kF16, {2}, molt::test::le16(0x3c00) + molt::test::le16(0xc000));
  std::string q8(34, '\0');
  q8[1] = 0x40;  // d = 2
  q8[2 + 3] = 5;
  b.tensor("q", kQ8_0, {32, 1}, q8);
  b.tensor("i", 26, {2}, le32(1) + le32(2));  // I32
  const GgufFile file(write(b.build()));
  ASSERT_EQ(file.tensors().size(), 5u);
  const auto* w = file.find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (molt::tensor::Shape{3, 2}));  // ne = [2, 3] → row-major [3, 2]
  EXPECT_EQ(w->n_bytes, 24u);
  EXPECT_EQ(file.header().data_offset % 32, 0u);
  EXPECT_EQ(file.find("v")->offset, 32u);
  EXPECT_EQ(file.tensor("w").as_f32().values<float>()[5], 6.0f);
  EXPECT_EQ(file.tensor_f32("h").values<float>()[1], -2.0f);
  EXPECT_EQ(file.tensor_f32("q").values<float>()[3], 10.0f);
  EXPECT_EQ(file.tensor("q").shape(), (molt::tensor::Shape{1, 32}));
  EXPECT_FALSE(file.tensor_f32("w").owns_data());  // aligned F32: served from the map
  EXPECT_EQ(file.tensor("i").values<std::int32_t>()[1], 2);
  try {
    (void)file.tensor_f32("i");
    FAIL();
  } catch (const molt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot convert I32"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tensor i"), std::string::npos) << e.what();
  }
  try {
    (void)file.tensor("missing");
    FAIL();
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), molt::ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("tensor missing"), std::string::npos);
  }
}

TEST_F(GgufTest, HonoursGeneralAlignmentAndVersion2) {
  auto b = small_model();
  b.alignment(64);
  b.version = 2;
  const GgufFile file(write(b.build()));
  EXPECT_EQ(file.version(), 2u);
  EXPECT_EQ(file.header().alignment, 64u);
  EXPECT_EQ(file.header().data_offset % 64, 0u);
  EXPECT_EQ(file.find("v")->offset, 64u);
  EXPECT_EQ(file.tensor("v").as_f32().values<float>()[0], 7.0f);
}

TEST_F(GgufTest, RefusesBadPreambles) {
  auto b = small_model();
  b.magic = "GGUX";
  expect_bad(b.build(), {"not a GGUF file", "'GGUX'", "offset 0", "field magic"});
  expect_bad("GGU", {"too short"});
  b = small_model();
  b.version = 1;
  expect_bad(b.build(), {"unsupported GGUF version 1", "offset 4", "field version"});
  b.version = 4;
  expect_bad(b.build(), {"unsupported GGUF version 4"});
  b.version = 0x03000000;
  expect_bad(b.build(), {"big-endian"});
  expect_bad(small_model().build().substr(0, 12), {"file ends early", "field n_tensors"});
  b = small_model();
  b.n_kv_override = 1ull << 60;
  expect_bad(b.build(), {"metadata count 1152921504606846976 is impossible", "field n_kv"});
  b = small_model();
  b.n_tensors_override = std::numeric_limits<std::uint64_t>::max();
  expect_bad(b.build(), {"tensor count", "impossible", "field n_tensors"});
  b = small_model();
  b.n_kv_override = 3;  // one more entry than written: the tensor infos are read as metadata
  expect_bad(b.build(), {"runs past the end"});
}

TEST_F(GgufTest, RefusesBadMetadata) {
  GgufBuilder b;
  b.kv("k", 8, le64(std::numeric_limits<std::uint64_t>::max()) + "abc");
  expect_bad(b.build(), {"string length 18446744073709551615 runs past the end", "field k"});
  b = GgufBuilder();
  b.kv("k", 13, "x");
  expect_bad(b.build(), {"unknown GGUF value type 13", "field k"});
  b = GgufBuilder();
  b.kv("k", 9, le32(4) + le64(1ull << 40));
  expect_bad(b.build(), {"array of 1099511627776 u32 values runs past the end", "field k"});
  b = GgufBuilder();
  b.kv("k", 9, le32(99) + le64(0));
  expect_bad(b.build(), {"unknown GGUF value type 99"});
  b = GgufBuilder();
  std::string deep;
  for (int i = 0; i < 9; ++i) deep += le32(9) + le64(1);
  b.kv("k", 9, deep + le32(4) + le64(0));
  expect_bad(b.build(), {"nest deeper than 8", "field k"});
  b = GgufBuilder();
  b.kv_u32("general.name", 1).kv_u32("general.name", 2);
  expect_bad(b.build(), {"duplicate metadata key general.name"});
  b = small_model();
  b.kv_string("general.alignment", "32");
  expect_bad(b.build(), {"general.alignment must be a u32"});
  b = small_model();
  b.kv_u32("general.alignment", 48);
  expect_bad(b.build(), {"general.alignment 48 is not a power of two"});
  b = small_model();
  b.kv_u32("general.alignment", 0);
  expect_bad(b.build(), {"is not a power of two"});
}

TEST_F(GgufTest, RefusesBadTensorInfos) {
  const std::string four = molt::test::f32_bytes({1});
  auto with = [&](const std::string& name, std::uint32_t type, std::vector<std::uint64_t> ne,
                  std::string data, std::optional<std::uint64_t> offset = std::nullopt) {
    auto b = small_model();
    b.tensor(name, type, std::move(ne), std::move(data), offset);
    return b.build();
  };
  expect_bad(with("x", kF32, {1, 1, 1, 1, 1}, four), {"5 dimensions", "tensor x", "tensor_infos[2]"});
  expect_bad(with("x", kF32, {1ull << 63}, four), {"too large", "tensor x"});
  expect_bad(with("x", kF32, {1ull << 62, 4}, four), {"overflows", "tensor x"});
  expect_bad(with("x", 4, {32}, four), {"type 4 (Q4_2) was removed", "tensor x"});
  expect_bad(with("x", 77, {32}, four), {"unknown GGML tensor type 77", "tensor x"});
  expect_bad(with("x", kQ8_0, {16, 2}, std::string(68, '\0')),
             {"last dimension 16 is not a multiple of Q8_0's block size 32", "tensor x"});
  expect_bad(with("x", kF32, {1}, four, 48), {"offset 48 is not a multiple of the alignment 32",
                                              "tensor x"});
  expect_bad(with("w", kF32, {1}, four), {"duplicate tensor name", "tensor w"});
  expect_bad(with("x", kF32, {4}, molt::test::f32_bytes({1, 2, 3, 4}), 0),
             {"overlaps tensor", "tensor"});
  // Offsets and sizes past the end of the file.
  expect_bad(with("x", kF32, {1}, "", 1ull << 40), {"runs past the end of the file", "tensor x"});
  std::string truncated = small_model().build();
  truncated.resize(truncated.size() - 4);
  expect_bad(truncated, {"runs past the end of the file", "tensor v", "truncated"});
  // Cut inside the tensor infos: the name's length promises more than is left.
  std::string cut = small_model().build();
  cut.resize(cut.find("v") + 0);
  expect_bad(cut, {"runs past the end", "tensor_infos[1].name"});
}

TEST_F(GgufTest, VocabularyOnlyFilesMayEndBeforeThePadding) {
  GgufBuilder b;
  b.kv_string("general.architecture", "bert").kv_string_array("tokenizer.ggml.tokens", {"a", "b"});
  const std::string bytes = b.build();
  ASSERT_NE(bytes.size() % 32, 0u);
  const GgufFile file(write(bytes));
  EXPECT_EQ(file.metadata().get_string_array("tokenizer.ggml.tokens").size(), 2u);
}

}  // namespace
