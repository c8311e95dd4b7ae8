// FAISS index files in and out: every supported kind written by FAISS reads back with its
// vectors and labels; unsupported kinds, truncations and hostile length fields are clean
// input errors; molt's own flat export reads back.
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/index/faiss_file.h"
#include "tests/support/faiss_files.h"
#include "tests/support/test_env.h"

namespace molt::index {
namespace {

std::vector<float> rows(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> x(n * dim);
  for (float& v : x) v = g(rng);
  return x;
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// (label -> row) of what was read, to compare regardless of list order.
void expect_same_rows(const FaissVectors& got, const std::vector<float>& x, std::size_t dim,
                      const std::vector<std::int64_t>& labels) {
  ASSERT_EQ(got.size(), labels.size());
  for (std::size_t r = 0; r < got.size(); ++r) {
    const auto it = std::find(labels.begin(), labels.end(), got.labels[r]);
    ASSERT_NE(it, labels.end()) << got.labels[r];
    const std::size_t want = static_cast<std::size_t>(it - labels.begin());
    for (std::size_t j = 0; j < dim; ++j) EXPECT_EQ(got.vectors[r * dim + j], x[want * dim + j]);
  }
}

TEST(FaissFile, ReadsEverySupportedKind) {
  const std::size_t dim = 8, n = 200;
  const std::vector<float> x = rows(n, dim, 1);
  std::vector<std::int64_t> row_numbers(n), ids(n);
  for (std::size_t i = 0; i < n; ++i) {
    row_numbers[i] = static_cast<std::int64_t>(i);
    ids[i] = 1000 + 7 * static_cast<std::int64_t>(i);
  }
  struct Case {
    const char* factory;
    bool l2;
    bool with_ids;
    const char* kind;
  };
  for (const Case& c : {Case{"Flat", false, false, "IxFI"}, Case{"Flat", true, false, "IxF2"},
                        Case{"HNSW16", false, false, "IHNf"}, Case{"IVF4,Flat", true, true, "IwFl"},
                        Case{"IDMap,Flat", false, true, "IxMp"}, Case{"IDMap2,Flat", true, true, "IxM2"},
                        Case{"IDMap2,HNSW8", false, true, "IxM2"}}) {
    const std::string file = test::faiss_index_bytes(c.factory, static_cast<int>(dim), c.l2, x, c.with_ids ? ids : std::vector<std::int64_t>{});
    const FaissVectors got = read_faiss_vectors(bytes_of(file), "x.faiss");
    EXPECT_EQ(got.kind, c.kind) << c.factory;
    EXPECT_EQ(got.dim, dim);
    EXPECT_EQ(got.metric, c.l2 ? Metric::kL2 : Metric::kInnerProduct) << c.factory;
    EXPECT_EQ(got.labels_are_ids, c.with_ids) << c.factory;
    expect_same_rows(got, x, dim, c.with_ids ? ids : row_numbers);
  }
}

TEST(FaissFile, RefusesOtherKindsByName) {
  const std::vector<float> x = rows(300, 8, 2);
  for (const char* factory : {"PQ2x4", "SQ8", "IVF2,PQ2x4", "LSH"}) {
    const std::string file = test::faiss_index_bytes(factory, 8, true, x);
    try {
      read_faiss_vectors(bytes_of(file), "x.faiss");
      ADD_FAILURE() << factory;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find("is not supported"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("x.faiss"), std::string::npos) << e.what();
    }
  }
}

// Every prefix of every kind, and every 8-byte field overwritten with a huge length, is an
// input error: nothing reaches FAISS's reader unchecked.
TEST(FaissFile, TruncationsAndHostileLengthsAreInputErrors) {
  const std::size_t dim = 4;
  const std::vector<float> x = rows(40, dim, 3);
  std::vector<std::int64_t> ids(40);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i);
  for (const char* factory : {"Flat", "HNSW4", "IVF2,Flat", "IDMap2,Flat"}) {
    const std::string file = test::faiss_index_bytes(factory, static_cast<int>(dim), false, x,
                                                     std::string(factory).rfind("IVF", 0) == 0 || std::string(factory).rfind("IDMap", 0) == 0 ? ids : std::vector<std::int64_t>{});
    for (std::size_t cut = 0; cut < file.size(); ++cut) {
      EXPECT_THROW(read_faiss_vectors(bytes_of(file.substr(0, cut)), "cut.faiss"), Error) << factory << " " << cut;
    }
    for (std::size_t at = 4; at + 8 <= file.size(); at += 4) {
      std::string bad = file;
      for (int i = 0; i < 8; ++i) bad[at + i] = static_cast<char>(0x7f);
      try {
        (void)read_faiss_vectors(bytes_of(bad), "bad.faiss");
      } catch (const Error&) {
      }
    }
  }
}

// ntotal x d wrapping around 2^64 must not pass for the number of floats (found by fuzzing).
TEST(FaissFile, AnNtotalThatWrapsIsRefused) {
  const std::vector<float> x = rows(12, 4, 5);
  std::string file = test::faiss_index_bytes("Flat", 4, true, x);
  const std::uint64_t huge = (std::uint64_t{1} << 62) + 12;  // x 4 = 48 mod 2^64
  std::memcpy(file.data() + 8, &huge, sizeof(huge));          // after "IxF2" and d
  try {
    read_faiss_vectors(bytes_of(file), "wrap.faiss");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected ntotal x d"), std::string::npos) << e.what();
  }
}

TEST(FaissFile, FlatExportReadsBack) {
  test::TempDir tmp;
  const std::vector<float> x = rows(10, 3, 4);
  write_faiss_flat(tmp / "v.faiss", 3, Metric::kInnerProduct, x);
  const FaissVectors got = read_faiss_file(tmp / "v.faiss");
  EXPECT_EQ(got.kind, "IxFI");
  EXPECT_EQ(got.vectors, x);
  write_faiss_flat(tmp / "l2.faiss", 3, Metric::kL2, x);
  EXPECT_EQ(read_faiss_file(tmp / "l2.faiss").kind, "IxF2");
}

}  // namespace
}  // namespace molt::index
