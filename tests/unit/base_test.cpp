// Unit tests for molt/base: errors, atomic files, hashing, number formatting, thread pool.
#include <atomic>
#include <fstream>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/base/mapped_file.h"
#include "molt/base/sha256.h"
#include "molt/base/text_format.h"
#include "molt/base/thread_pool.h"
#include "tests/support/test_env.h"

namespace molt {
namespace {

TEST(Error, MessageNamesWhere) {
  const Error e = input_error("bad dtype", {.file = "m.safetensors", .tensor = "w"});
  EXPECT_EQ(e.message(), "bad dtype (file m.safetensors, tensor w)");
  EXPECT_EQ(exit_code(e.kind()), 2);
  EXPECT_EQ(exit_code(ErrorKind::kConflict), 1);
  EXPECT_EQ(exit_code(ErrorKind::kNotFound), 2);
}

TEST(Error, WithKeepsExistingFields) {
  const Error e = input_error("x", {.field = "a"}).with({.file = "f", .line = 3, .field = "b"});
  EXPECT_EQ(e.where().field, "a");
  EXPECT_EQ(e.where().file, "f");
  EXPECT_EQ(e.message(), "x (file f, line 3, field a)");
}

TEST(AtomicFile, NothingVisibleUntilCommit) {
  test::TempDir dir;
  const auto path = dir / "out.txt";
  {
    AtomicFile f(path);
    f.write(std::string_view("hello"));
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "temporary left behind";
  {
    AtomicFile f(path);
    f.write(std::string_view("hello"));
    f.commit();
  }
  EXPECT_EQ(read_file(path), "hello");
}

TEST(AtomicFile, ConcurrentWritersOfOnePathDoNotShareATemporary) {
  test::TempDir dir;
  const auto path = dir / "out.txt";
  AtomicFile a(path);
  AtomicFile b(path);
  a.write(std::string_view("first"));
  b.write(std::string_view("second"));
  a.commit();
  EXPECT_EQ(read_file(path), "first");
  b.commit();
  EXPECT_EQ(read_file(path), "second");
}

TEST(FileIo, MissingFileIsNotFound) {
  try {
    read_file("/nonexistent/molt/file");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(e.message().find("/nonexistent/molt/file"), std::string::npos);
  }
}

TEST(MappedFile, MapsBytes) {
  test::TempDir dir;
  write_file_atomic(dir / "a.bin", "abcdef");
  MappedFile m(dir / "a.bin");
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(static_cast<char>(m.bytes()[3]), 'd');
  MappedFile moved = std::move(m);
  EXPECT_EQ(moved.size(), 6u);
  EXPECT_EQ(m.size(), 0u);
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  test::TempDir dir;
  write_file_atomic(dir / "abc", "abc");
  EXPECT_EQ(sha256_file_hex(dir / "abc"), sha256_hex("abc"));
}

TEST(TextFormat, FloatsRoundTrip) {
  for (float v : {0.1f, -1.0f / 3.0f, 1e-30f, 3.4e38f, 1.17549435e-38f, 0.0f, 123456.789f}) {
    std::string s;
    append_float(s, v);
    EXPECT_EQ(std::stof(s), v) << s;
  }
  std::string s;
  append_float(s, std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(s, "null");
}

TEST(TextFormat, JsonString) {
  std::string s;
  append_json_string(s, "a\"b\\c\n\x01");
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(ThreadPool, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (std::size_t n : {0u, 1u, 3u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, [&](std::size_t t, int worker) {
        EXPECT_GE(worker, 0);
        EXPECT_LT(worker, threads);
        hits[t].fetch_add(1);
      });
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1);
    }
  }
}

TEST(ThreadPool, RangesCoverEverything) {
  ThreadPool pool(3);
  std::vector<int> seen(10007, 0);
  pool.parallel_range(seen.size(), 16, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) seen[i] += 1;
  });
  EXPECT_EQ(std::accumulate(seen.begin(), seen.end(), 0), 10007);
  EXPECT_EQ(*std::min_element(seen.begin(), seen.end()), 1);
}

// Many short calls back to back: workers that wake late for one call must neither run a
// task of the next with the old function nor keep the caller waiting for a task they never
// took. Every call sees each of its tasks exactly once, with the call's own function.
TEST(ThreadPool, BackToBackShortCallsRunEachTaskOnce) {
  ThreadPool pool(3);
  std::vector<int> hits(4);
  for (int call = 0; call < 20000; ++call) {
    std::fill(hits.begin(), hits.end(), 0);
    const std::size_t n = 2 + static_cast<std::size_t>(call % 3);
    pool.parallel_for(n, [&, call](std::size_t t, int) {
      // Every few calls the tasks take long enough for the workers to join in.
      std::atomic<int> spin{0};
      while (call % 8 == 0 && spin.fetch_add(1, std::memory_order_relaxed) < 20000) {
      }
      hits[t] += call + 1;
    });
    for (std::size_t t = 0; t < hits.size(); ++t) ASSERT_EQ(hits[t], t < n ? call + 1 : 0) << "call " << call;
  }
}

TEST(ThreadPool, CallersFromSeveralThreadsAreSerialized) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) pool.parallel_for(3, [&](std::size_t, int) { total.fetch_add(1); });
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 3 * 2000 * 3);
}

TEST(ThreadPool, NestedCallsRunInline) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.parallel_for(4, [&](std::size_t, int) {
    pool.parallel_for(5, [&](std::size_t, int) { total.fetch_add(1); });
  });
  EXPECT_EQ(total.load(), 20);
}

}  // namespace
}  // namespace molt
