// Dependencies between library modules point one way (README "Layout"). This test reads
// every #include "molt/<module>/..." line under molt/ and fails on one the table below
// does not allow, so an upward include cannot creep in.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace {

// module -> modules it may include (besides itself). Lower layers first.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"base", {}},
      {"tensor", {"base"}},
      {"hub", {"base"}},
      {"formats", {"base", "tensor"}},
      {"compute", {"base", "tensor"}},
      {"tokenizer", {"base", "formats"}},
      {"model", {"base", "tensor", "formats", "tokenizer", "hub"}},
      {"layers", {"base", "tensor", "compute"}},
      {"arch", {"base", "tensor", "compute", "layers", "model", "formats"}},
      {"pooling", {"base", "tensor", "compute", "model"}},
      {"runtime", {"base", "tensor", "compute", "formats", "tokenizer", "model", "layers",
                   "arch", "pooling", "hub"}},
      {"index", {"base", "tensor", "compute", "formats"}},
      // The store declares the small encoder interface it needs and never sees the runtime.
      {"store", {"base", "tensor", "compute", "formats", "index"}},
      {"eval", {"base", "tensor", "compute", "formats", "index", "runtime", "tokenizer", "model"}},
      {"migrate", {"base", "tensor", "compute", "formats", "index", "store", "eval", "runtime",
                   "tokenizer", "model", "hub"}},
      {"server", {"base", "tensor", "compute", "formats", "index", "store", "eval", "runtime",
                  "tokenizer", "model", "hub", "migrate", "pooling"}},
  };
  return table;
}

// "molt/<module>/" from a line `#include "molt/<module>/x.h"`; empty for any other line.
std::string included_module(const std::string& line) {
  const auto hash = line.find_first_not_of(" \t");
  if (hash == std::string::npos || line[hash] != '#') return {};
  const auto inc = line.find("include", hash);
  if (inc == std::string::npos) return {};
  const std::string prefix = "\"molt/";
  const auto start = line.find(prefix, inc);
  if (start == std::string::npos) return {};
  const auto name_begin = start + prefix.size();
  const auto slash = line.find('/', name_begin);
  if (slash == std::string::npos) return {};
  return line.substr(name_begin, slash - name_begin);
}

TEST(Layering, NoUpwardIncludes) {
  const auto root = molt::test::source_dir() / "molt";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cpp" && ext != ".cu" && ext != ".cuh") continue;
    const auto rel = std::filesystem::relative(entry.path(), root);
    const std::string module = rel.begin()->string();
    const auto rules = allowed().find(module);
    ASSERT_NE(rules, allowed().end()) << "module '" << module << "' (" << rel.string()
                                      << ") is missing from the layering table";
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      const std::string target = included_module(line);
      if (target.empty()) continue;
      if (target == module) continue;
      EXPECT_TRUE(rules->second.count(target) == 1)
          << rel.string() << ":" << line_no << " includes molt/" << target
          << "/, which module '" << module << "' may not depend on";
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
