// .npz archives (molt/formats/npz.h): one NumPy wrote with savez_compressed (embedded
// below), molt's own stored archives, and broken ones.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/formats/npz.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"

namespace {

using molt::tensor::Shape;

template <std::size_t N>
std::string npz_bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// np.savez_compressed(f, emb=np.array([[1, 2, 3], [4, 5, 6]], np.float32),
//                     ids=np.array([7.5], np.float32))
const std::string kNumpyCompressed = npz_bytes(
    "PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00|\x9c\xde\xa2X\x00\x00\x00\x98\x00"
    "\x00\x00\x07\x00\x14\x00\x65mb.npy\x01\x00\x10\x00\x98\x00\x00\x00\x00\x00\x00\x00"
    "X\x00\x00\x00\x00\x00\x00\x00\x9b\xec\x17\xea\x1b\x10\xc9\xc8P\xc6P\xad\x9e\x92Z\x9c"
    "\x5c\xa4n\xa5\xa0n\x93\x66\xa2\xae\xa3\xa0\x9e\x96_TR\x94\x98\x17\x9f_\x94\x92\x0a"
    "\x12wK\xcc)N\x05\x8a\x17g$\x16\xa4\x02\xf9\x1a\x46:\x0a\xc6\x9a:\x0a\xb5\x0a\x64\x03"
    ".\x06\x86\x06{\x06\x06\x06\x07 \x02\xe2\x06 ^\x00\xc4\x07\x1c\x00PK\x03\x04\x14\x00"
    "\x00\x00\x08\x00\x00\x00!\x00\x0a#\xd2\x9cH\x00\x00\x00\x84\x00\x00\x00\x07\x00\x14"
    "\x00ids.npy\x01\x00\x10\x00\x84\x00\x00\x00\x00\x00\x00\x00H\x00\x00\x00\x00\x00\x00"
    "\x00\x9b\xec\x17\xea\x1b\x10\xc9\xc8P\xc6P\xad\x9e\x92Z\x9c\x5c\xa4n\xa5\xa0n\x93"
    "f\xa2\xae\xa3\xa0\x9e\x96_TR\x94\x98\x17\x9f_\x94\x92\x0a\x12wK\xcc)N\x05\x8a\x17"
    "g$\x16\xa4\x02\xf9\x1a\x86:\x9a:\x0a\xb5\x0a\x14\x00.\x06\x86\x0f\x0e\x00PK\x01\x02"
    "\x14\x03\x14\x00\x00\x00\x08\x00\x00\x00!\x00|\x9c\xde\xa2X\x00\x00\x00\x98\x00\x00"
    "\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x65m"
    "b.npyPK\x01\x02\x14\x03\x14\x00\x00\x00\x08\x00\x00\x00!\x00\x0a#\xd2\x9cH\x00\x00"
    "\x00\x84\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x91\x00"
    "\x00\x00ids.npyPK\x05\x06\x00\x00\x00\x00\x02\x00\x02\x00j\x00\x00\x00\x12\x01\x00"
    "\x00\x00\x00");

class NpzTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& b) {
    const auto path = dir_ / name;
    molt::test::write_bytes(path, b);
    return path;
  }
  molt::test::TempDir dir_;
};

TEST_F(NpzTest, ReadsNumpysCompressedArchives) {
  const auto path = write("np.npz", kNumpyCompressed);
  const auto arrays = molt::formats::read_npz(path);
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays[0].first, "emb");
  EXPECT_EQ(arrays[0].second.shape(), (Shape{2, 3}));
  EXPECT_EQ(arrays[0].second.values<float>()[4], 5.0f);
  EXPECT_EQ(arrays[1].first, "ids");
  EXPECT_EQ(arrays[1].second.values<float>()[0], 7.5f);

  const auto members = molt::formats::list_npz(path);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_TRUE(members[0].compressed);
  EXPECT_EQ(members[0].size, 152u);
  EXPECT_EQ(members[0].header.descr, "<f4");
  EXPECT_EQ(members[1].header.shape, (Shape{1}));
}

TEST_F(NpzTest, WritesStoredArchivesItReadsBack) {
  const std::vector<float> a = {1, 2, 3, 4};
  const std::vector<float> b = {-1};
  const molt::formats::NpzArray arrays[] = {{"vectors", {2, 2}, a}, {"norm", {}, b}};
  const auto path = dir_ / "out.npz";
  molt::formats::write_npz_f32(path, arrays);
  const auto members = molt::formats::list_npz(path);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_FALSE(members[0].compressed);
  EXPECT_EQ(members[0].file_name, "vectors.npy");
  const auto back = molt::formats::read_npz(path);
  EXPECT_EQ(back[0].second.values<float>()[3], 4.0f);
  EXPECT_EQ(back[1].second.rank(), 0);
  EXPECT_EQ(back[1].second.values<float>()[0], -1.0f);

  // Same arrays, same bytes.
  const auto again = dir_ / "again.npz";
  molt::formats::write_npz_f32(again, arrays);
  EXPECT_EQ(molt::read_file(path), molt::read_file(again));

  const molt::formats::NpzArray bad[] = {{"a/b", {1}, b}};
  EXPECT_THROW(molt::formats::write_npz_f32(dir_ / "bad.npz", bad), molt::Error);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.npz"));
}

TEST_F(NpzTest, RefusesBrokenArchives) {
  const auto expect = [&](const std::filesystem::path& path, const std::string& part) {
    try {
      (void)molt::formats::read_npz(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const molt::Error& e) {
      EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.what();
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  };
  expect(write("junk.npz", "PK\x03\x04 not really a zip"), "not a readable .npz");
  std::string corrupt = kNumpyCompressed;
  corrupt[60] = static_cast<char>(corrupt[60] ^ 0x55);  // inside emb.npy's deflated data
  expect(write("corrupt.npz", corrupt), "emb.npy");
  std::string renamed = kNumpyCompressed;
  for (std::size_t at = renamed.find("ids.npy"); at != std::string::npos;
       at = renamed.find("ids.npy", at + 1)) {
    renamed.replace(at, 7, "ids.txt");
  }
  expect(write("renamed.npz", renamed), "not a .npy file");
  try {
    (void)molt::formats::read_npz(dir_ / "missing.npz");
    ADD_FAILURE();
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), molt::ErrorKind::kNotFound);
  }
}

}  // namespace
