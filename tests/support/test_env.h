// Where tests find ../shared (models, fixtures, data) and the molt binary.
// MOLT_TEST_MODELS, MOLT_TEST_FIXTURES and MOLT_TEST_DATA override the defaults
// (<repo>/../shared/{models,fixtures,data}). When a folder is absent, tests skip with a
// message saying which variable to set, unless MOLT_TEST_REQUIRE_SHARED=1 (CI sets it),
// which turns the skip into a failure.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace molt::test {

std::filesystem::path models_dir();
std::filesystem::path fixtures_dir();
std::filesystem::path data_dir();
std::filesystem::path bench_dir();    // ../shared/bench (MOLT_TEST_BENCH)
std::filesystem::path tools_dir();    // ../shared/tools (MOLT_TEST_TOOLS)
std::filesystem::path molt_binary();  // build/molt (MOLT_BIN overrides)
std::filesystem::path source_dir();   // the repository root

// A fresh, empty folder under the system temp dir, removed by the returned guard.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Empty string when `path` exists; otherwise a message naming the path and `env_var`.
std::string missing_message(const std::filesystem::path& path, const char* env_var);
bool shared_required();

}  // namespace molt::test

// Skips the current test when a ../shared path is absent (fails instead under
// MOLT_TEST_REQUIRE_SHARED=1). Use at the top of a TEST body or in SetUp().
#define MOLT_REQUIRE_PATH(path, env_var)                                           \
  do {                                                                             \
    const std::string molt_missing_ = ::molt::test::missing_message(path, env_var); \
    if (!molt_missing_.empty()) {                                                  \
      if (::molt::test::shared_required()) FAIL() << molt_missing_;                \
      GTEST_SKIP() << molt_missing_;                                               \
    }                                                                              \
  } while (0)

#define MOLT_REQUIRE_FIXTURE(rel) \
  MOLT_REQUIRE_PATH(::molt::test::fixtures_dir() / (rel), "MOLT_TEST_FIXTURES")
#define MOLT_REQUIRE_MODEL(rel) \
  MOLT_REQUIRE_PATH(::molt::test::models_dir() / (rel), "MOLT_TEST_MODELS")
#define MOLT_REQUIRE_DATA(rel) \
  MOLT_REQUIRE_PATH(::molt::test::data_dir() / (rel), "MOLT_TEST_DATA")
