// .npy reading and writing (molt/formats/npy.h): files NumPy 1.24 wrote (embedded below),
// round trips, and each validation failure.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/formats/npy.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"

namespace {

using molt::formats::read_npy;
using molt::tensor::Shape;

template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
const std::string kNumpyF32 = bytes(
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    "                                                          \x0a\x00\x00\x80?\x00\x00"
    "\x00@\x00\x00@@\x00\x00\x80@\x00\x00\xa0@\x00\x00\xc0@");
// np.save(f, np.array([1.0, -2.0, 6.1e-5, 65504], dtype=np.float16)); 6.1e-5 is subnormal
const std::string kNumpyF16 = bytes(
    "\x93NUMPY\x01\x00v\x00{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }  "
    "                                                          \x0a\x00<\x00\xc0\xff\x03"
    "\xff{");
// np.lib.format.write_array(f, np.array([0.1, 1e40, -3.0]), version=(2, 0))
const std::string kNumpyF64V2 = bytes(
    "\x93NUMPY\x02\x00t\x00\x00\x00{'descr': '<f8', 'fortran_order': False, 'shape': ("
    "3,), }                                                          \x0a\x9a\x99\x99\x99"
    "\x99\x99\xb9?\xa5\x5c\xc3\xf1)c=H\x00\x00\x00\x00\x00\x00\x08\xc0");
// np.lib.format.write_array(f, np.float32(2.5).reshape(()), version=(3, 0))
const std::string kNumpyScalarV3 = bytes(
    "\x93NUMPY\x03\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, 'shape': ("
    "), }                                                            \x0a\x00\x00 @");

molt::tensor::Tensor read(const std::string& b) {
  return read_npy(std::as_bytes(std::span(b)), "test.npy");
}

void expect_bad(const std::string& b, std::initializer_list<std::string> parts) {
  try {
    (void)read(b);
    ADD_FAILURE() << "no error; expected one mentioning " << *parts.begin();
  } catch (const molt::Error& e) {
    EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.what();
    EXPECT_NE(std::string(e.what()).find("file test.npy"), std::string::npos) << e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message lacks \"" << part << "\": " << e.what();
    }
  }
}

// A .npy with the header dict `dict` (padded by NumPy's rule) and `data`.
std::string npy(const std::string& dict, const std::string& data) {
  std::string text = dict;
  while ((10 + text.size() + 1) % 64 != 0) text += ' ';
  text += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + molt::test::le16(static_cast<std::uint16_t>(text.size())) +
         text + data;
}

TEST(Npy, ReadsWhatNumpyWrites) {
  const auto f32 = read(kNumpyF32);
  EXPECT_EQ(f32.shape(), (Shape{2, 3}));
  EXPECT_EQ(f32.values<float>()[5], 6.0f);

  const auto f16 = read(kNumpyF16);
  EXPECT_EQ(f16.shape(), (Shape{4}));
  EXPECT_EQ(f16.values<float>()[1], -2.0f);
  EXPECT_EQ(f16.values<float>()[2], std::ldexp(1023.0f, -24));
  EXPECT_EQ(f16.values<float>()[3], 65504.0f);

  const auto f64 = read(kNumpyF64V2);
  EXPECT_EQ(f64.values<float>()[0], 0.1f);  // rounded to nearest float
  EXPECT_EQ(f64.values<float>()[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(f64.values<float>()[2], -3.0f);

  const auto scalar = read(kNumpyScalarV3);
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.values<float>()[0], 2.5f);

  const auto header = molt::formats::parse_npy_header(std::as_bytes(std::span(kNumpyF64V2)), "x");
  EXPECT_EQ(header.major, 2);
  EXPECT_EQ(header.descr, "<f8");
  EXPECT_EQ(header.data_offset % 64, 0u);
}

TEST(Npy, WritesWhatItAndNumpyRead) {
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  const std::string out = molt::formats::encode_npy_f32(Shape{2, 3}, values);
  EXPECT_EQ(out, kNumpyF32);  // byte for byte what NumPy writes
  EXPECT_EQ(molt::formats::npy_header_f32(Shape{}).size() % 64, 0u);
  EXPECT_NE(molt::formats::npy_header_f32(Shape{7}).find("'shape': (7,)"), std::string::npos);

  const molt::test::TempDir dir;
  const auto path = dir / "out.npy";
  const std::vector<float> row = {0.5f, -0.25f, 3e38f};
  molt::formats::write_npy_f32(path, Shape{1, 3}, row);
  const auto back = molt::formats::read_npy_file(path);
  EXPECT_EQ(back.shape(), (Shape{1, 3}));
  EXPECT_EQ(back.values<float>()[2], 3e38f);
}

TEST(Npy, RefusesWhatItCannotRead) {
  expect_bad("\x93NUMPX", {"not a .npy file", "offset 0"});
  expect_bad(std::string("\x93NUMPY\x04\x00", 8) + "xxxxxx", {"version 4.0"});
  expect_bad(std::string("\x93NUMPY\x01\x01", 8) + "xxxxxx", {"version 1.1"});
  expect_bad(std::string("\x93NUMPY\x01\x00", 8) + molt::test::le16(500) + "{}",
             {"header length 500 runs past the end"});
  expect_bad(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "abcd"),
             {"unsupported dtype '>f4'"});
  expect_bad(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", "abcdefgh"),
             {"unsupported dtype '<i8'"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "abcd"),
             {"Fortran-order"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "abcd"),
             {"array data is 4 bytes, but shape [2] of '<f4' needs 8", "truncated"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "abcdef"),
             {"array data is 6 bytes"});
  expect_bad(npy("{'descr': '<f4', 'shape': (1,), }", "abcd"), {"lacks the key 'fortran_order'"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "abcd"),
             {"unexpected key 'x'"});
  expect_bad(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "abcd"),
             {"'descr' twice"});
  expect_bad(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "abcd"),
             {"structured dtypes"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", "abcd"),
             {"True or False"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "abcd"),
             {"non-negative integers"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", ""),
             {"too large"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", ""),
             {"too many elements"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "abcd"),
             {"header dict ends early"});
  expect_bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", "abcd"),
             {"unexpected text"});
}

}  // namespace
