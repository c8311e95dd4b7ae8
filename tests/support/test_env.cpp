#include "tests/support/test_env.h"

#include <unistd.h>

#include <cstdlib>
#include <random>

namespace molt::test {
namespace {

std::filesystem::path from_env(const char* var, const std::filesystem::path& fallback) {
  const char* v = std::getenv(var);
  if (v != nullptr && *v != '\0') return v;
  return fallback;
}

std::filesystem::path shared_dir() {
  return std::filesystem::path(MOLT_SOURCE_DIR).parent_path() / "shared";
}

}  // namespace

std::filesystem::path source_dir() { return MOLT_SOURCE_DIR; }
std::filesystem::path models_dir() { return from_env("MOLT_TEST_MODELS", shared_dir() / "models"); }
std::filesystem::path fixtures_dir() {
  return from_env("MOLT_TEST_FIXTURES", shared_dir() / "fixtures");
}
std::filesystem::path data_dir() { return from_env("MOLT_TEST_DATA", shared_dir() / "data"); }
std::filesystem::path bench_dir() { return from_env("MOLT_TEST_BENCH", shared_dir() / "bench"); }
std::filesystem::path tools_dir() { return from_env("MOLT_TEST_TOOLS", shared_dir() / "tools"); }
std::filesystem::path generated_models_dir() {
  return from_env("MOLT_TEST_GENERATED", std::filesystem::path(MOLT_SOURCE_DIR) / "build" / "test-models");
}
std::filesystem::path molt_binary() {
  return from_env("MOLT_BIN", std::filesystem::path(MOLT_BINARY_DIR) / "molt");
}

bool shared_required() {
  const char* v = std::getenv("MOLT_TEST_REQUIRE_SHARED");
  return v != nullptr && std::string(v) == "1";
}

std::string missing_message(const std::filesystem::path& path, const char* env_var) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return {};
  return "test data absent: " + path.string() + " does not exist (set " + env_var +
         " to the folder holding it; the default is ../shared beside the repository)";
}

TempDir::TempDir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("molt-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace molt::test
