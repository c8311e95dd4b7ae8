// The safetensors reader (molt/formats/safetensors.h, safetensors_checkpoint.h) on files
// built here: what loads, and one file per validation failure.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/formats/safetensors.h"
#include "molt/formats/safetensors_checkpoint.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"

namespace {

using molt::formats::SafetensorsCheckpoint;
using molt::formats::SafetensorsFile;
using molt::tensor::DType;
using molt::test::f32_bytes;
using molt::test::safetensors_bytes;

// Runs `f`, which must throw molt::Error of `kind` whose message contains every part.
void expect_error(const std::function<void()>& f, std::initializer_list<std::string> parts,
                  molt::ErrorKind kind = molt::ErrorKind::kInput) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << *parts.begin();
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message lacks \"" << part << "\": " << e.what();
    }
  }
}

class SafetensorsTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const auto path = dir_ / name;
    molt::test::write_bytes(path, bytes);
    return path.string();
  }
  // Opening a file with `header` and `data` fails naming the file and every part.
  void expect_bad(const std::string& header, const std::string& data,
                  std::initializer_list<std::string> parts) {
    const std::string path = write("bad.safetensors", safetensors_bytes(header, data));
    std::vector<std::string> all(parts);
    all.push_back("file " + path);
    try {
      SafetensorsFile file(path);
      ADD_FAILURE() << "no error for header " << header;
    } catch (const molt::Error& e) {
      EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.what();
      for (const std::string& part : all) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
            << "message lacks \"" << part << "\": " << e.what();
      }
    }
  }

  molt::test::TempDir dir_;
};

const std::string kTwoTensors =
    R"({"__metadata__":{"format":"pt"},)"
    R"("b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},)"
    R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

TEST_F(SafetensorsTest, LoadsTensorsAsViews) {
  std::string data = f32_bytes({1.5f, -2.0f});
  data += molt::test::le16(0x3c00) + molt::test::le16(0xc000);  // F16 1, -2
  const std::string path = write("ok.safetensors", safetensors_bytes(kTwoTensors, data));
  const SafetensorsFile file(path);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "a");  // data order
  EXPECT_EQ(file.header().data_offset, 8 + kTwoTensors.size());
  const auto* b = file.find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::kF16);
  EXPECT_EQ(b->begin, 8u);
  const auto a = file.tensor("a");
  EXPECT_FALSE(a.owns_data());
  EXPECT_EQ(a.to_f32().values<float>()[1], -2.0f);
  EXPECT_EQ(file.tensor("b").to_f32().values<float>()[0], 1.0f);
  expect_error([&] { (void)file.tensor("c"); }, {"no such tensor", "tensor c", path},
               molt::ErrorKind::kNotFound);
  EXPECT_EQ(file.tensor_f32("b").values<float>()[1], -2.0f);
  const auto a_f32 = file.tensor_f32("a");
  EXPECT_EQ(a_f32.values<float>()[0], 1.5f);
}

TEST_F(SafetensorsTest, AcceptsEmptyFilesZeroSizedTensorsAndPadding) {
  // The Rust writer pads the header with spaces to a multiple of 8.
  const std::string header = R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
                             R"("x":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}   )";
  const SafetensorsFile file(write("pad.safetensors", safetensors_bytes(header, "abc")));
  EXPECT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensor("e").n_elements(), 0);
  EXPECT_EQ(file.tensor("x").values<std::uint8_t>()[2], 'c');
  expect_error([&] { (void)file.tensor_f32("x"); }, {"cannot convert U8", "tensor x", "pad.safetensors"});
  const SafetensorsFile none(write("none.safetensors", safetensors_bytes("{}", "")));
  EXPECT_TRUE(none.tensors().empty());
}

TEST_F(SafetensorsTest, RefusesBadHeaderLengths) {
  const std::string path = write("short.safetensors", "1234");
  expect_error([&] { SafetensorsFile f(path); }, {"too short", "file " + path, "offset 0"});
  const std::string huge = write("huge.safetensors", molt::test::le64(200'000'000) + "{}");
  expect_error([&] { SafetensorsFile f(huge); }, {"exceeds the limit", "header_size"});
  const std::string past = write("past.safetensors", molt::test::le64(100) + "{}");
  expect_error([&] { SafetensorsFile f(past); }, {"runs past the end", "offset 0"});
}

TEST_F(SafetensorsTest, RefusesHeadersThatAreNotTheRightJson) {
  expect_bad("[1,2]", "", {"does not start with '{'"});
  expect_bad("{\"a\":", "", {"not valid JSON", "offset"});
  expect_bad(R"({"a":1e999})", "", {"not valid JSON", "number overflow"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
             std::string(8, '\0'), {"key \"a\" twice", "tensor a"});
  expect_bad(R"({"__metadata__":[1]})", "", {"__metadata__"});
  expect_bad(R"({"__metadata__":{"k":1}})", "", {"\"k\" is not a string"});
  expect_bad(R"({"a":[1]})", "", {"must be an object", "tensor a"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[[[1]]],"data_offsets":[0,4]}})", "",
             {"nests deeper"});
}

TEST_F(SafetensorsTest, RefusesBadTensorEntries) {
  const std::string four(4, '\0');
  expect_bad(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", four, {"no \"dtype\"", "tensor w"});
  expect_bad(R"({"w":{"dtype":"Q8_0","shape":[1],"data_offsets":[0,4]}})", four,
             {"unsupported dtype \"Q8_0\"", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", four, {"no \"shape\"", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", four,
             {"non-negative integer", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", four,
             {"non-negative integer", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[1]}})", four, {"data_offsets", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", four, {"data_offsets"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", four,
             {"end before they begin", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", four,
             {"hold 4 bytes but shape [2] of F32 needs 8", "tensor w"});
  expect_bad(R"({"w":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,4]}})",
             four, {"overflows", "tensor w"});
}

TEST_F(SafetensorsTest, RefusesRangesOutsideOverlappingOrLeavingGaps) {
  // Truncated file: the tensor runs past the end.
  expect_bad(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(5, '\0'),
             {"run past the end of the data section (5 bytes", "tensor w", "offset"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
             std::string(12, '\0'), {"overlap tensor a", "tensor b"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
             std::string(12, '\0'), {"[4, 8)", "belong to no tensor", "tensor b"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, '\0'),
             {"[0, 4)", "tensor a"});
  expect_bad(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(6, '\0'),
             {"2 bytes after the last tensor"});
}

TEST_F(SafetensorsTest, ShardedCheckpointFollowsTheWeightMap) {
  const std::string shard1 = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  const std::string shard2 = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  write("model-00001-of-00002.safetensors", safetensors_bytes(shard1, f32_bytes({1})));
  write("model-00002-of-00002.safetensors", safetensors_bytes(shard2, f32_bytes({2})));
  write("model.safetensors.index.json",
        R"({"metadata":{"total_size":8},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
        R"("b":"model-00002-of-00002.safetensors"}})");
  const SafetensorsCheckpoint from_folder(dir_.path());
  EXPECT_EQ(from_folder.files().size(), 2u);
  EXPECT_EQ(from_folder.n_tensors(), 2u);
  EXPECT_EQ(from_folder.tensor_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(from_folder.tensor("b").as_f32().values<float>()[0], 2.0f);
  EXPECT_EQ(from_folder.tensor_f32("a").values<float>()[0], 1.0f);
  expect_error([&] { (void)from_folder.tensor_f32("c"); }, {"tensor c"}, molt::ErrorKind::kNotFound);
  EXPECT_NE(from_folder.file_of("b")->path().find("00002"), std::string::npos);
  expect_error([&] { (void)from_folder.tensor("c"); }, {"tensor c"}, molt::ErrorKind::kNotFound);

  // A single model.safetensors wins over the index, as in transformers.
  write("model.safetensors", safetensors_bytes(shard1, f32_bytes({7})));
  const SafetensorsCheckpoint single(dir_.path());
  EXPECT_EQ(single.files().size(), 1u);
  EXPECT_EQ(single.tensor("a").as_f32().values<float>()[0], 7.0f);
}

TEST_F(SafetensorsTest, ShardedCheckpointRefusesInconsistentIndexes) {
  const std::string shard = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  write("s1.safetensors", safetensors_bytes(shard, f32_bytes({1})));
  write("s2.safetensors", safetensors_bytes(shard, f32_bytes({2})));
  const auto index = [&](const std::string& weight_map) {
    return write("idx.json", R"({"weight_map":)" + weight_map + "}");
  };
  expect_error([&] { SafetensorsCheckpoint c(index(R"({"a":"../s1.safetensors"})")); },
               {"file name of a shard", "tensor a"});
  expect_error([&] { SafetensorsCheckpoint c(index(R"({"a":"s1.safetensors","b":"s1.safetensors"})")); },
               {"does not hold it", "tensor b"});
  expect_error([&] { SafetensorsCheckpoint c(index(R"({"a":"s1.safetensors","x":"s2.safetensors"})")); },
               {"appears in two shards", "tensor a"});
  expect_error([&] { SafetensorsCheckpoint c(index(R"([])")); }, {"weight_map"});
  expect_error([&] { SafetensorsCheckpoint c(write("broken.json", "{")); }, {"not valid JSON"});
  expect_error([&] { SafetensorsCheckpoint c(write("huge.json", R"({"x":1e999})")); },
               {"not valid JSON"});
  expect_error([&] { SafetensorsCheckpoint c(index(R"({"a":"missing.safetensors"})")); },
               {"missing.safetensors"}, molt::ErrorKind::kNotFound);
  const molt::test::TempDir empty;
  expect_error([&] { SafetensorsCheckpoint c(empty.path()); }, {"model.safetensors"},
               molt::ErrorKind::kNotFound);
}

}  // namespace
