// The CLI's general contract: --help everywhere, exit codes, one-line errors.
#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace molt::test {
namespace {

TEST(Cli, HelpListsSubcommands) {
  const auto r = run_molt({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("version"), std::string::npos) << r.out;
}

TEST(Cli, UnknownFlagIsUsageError) {
  const auto r = run_molt({"version", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("molt: error: ", 0), 0u) << r.err;
}

TEST(Cli, NoSubcommandIsUsageError) {
  const auto r = run_molt({});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, VersionPrintsJson) {
  const auto r = run_molt({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"version\""), std::string::npos);
}

}  // namespace
}  // namespace molt::test
