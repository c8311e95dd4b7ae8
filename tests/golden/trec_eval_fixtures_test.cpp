// molt's metrics against trec_eval 10.0 (-c, -q) on every case of fixtures/eval: aggregate
// and per-query figures equal to the 4 decimals trec_eval prints.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/eval/qrels.h"
#include "molt/eval/trec_metrics.h"
#include "molt/eval/trec_run.h"
#include "tests/support/test_env.h"

namespace molt::eval {
namespace {

// trec_eval prints "%.4f".
std::string four_decimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void check_case(const std::string& name) {
  const auto dir = test::fixtures_dir() / "eval" / name;
  const nlohmann::json expected = nlohmann::json::parse(std::ifstream(dir / "expected.json"));
  ASSERT_EQ(expected.at("flags"), "-c");
  const Qrels qrels = read_qrels(dir / "qrels.tsv");
  const eval::Run run = read_trec_run(dir / "run.trec");

  std::vector<Metric> metrics;
  for (const auto& [trec_name, value] : expected.at("aggregate").items()) {
    bool found = false;
    for (const Metric& m : metrics_at(std::vector<int>{10, 100})) {
      if (m.trec_name() == trec_name) {
        metrics.push_back(m);
        found = true;
      }
    }
    ASSERT_TRUE(found) << "fixture measure " << trec_name << " has no molt metric";
  }
  const Evaluation ev = evaluate(qrels, run, metrics);

  for (std::size_t m = 0; m < metrics.size(); ++m) {
    const double want = expected.at("aggregate").at(metrics[m].trec_name()).get<double>();
    EXPECT_EQ(four_decimals(ev.means[m]), four_decimals(want))
        << name << " aggregate " << metrics[m].trec_name() << " = " << ev.means[m];
  }
  const auto& per_query = expected.at("per_query");
  ASSERT_EQ(ev.queries.size(), per_query.size()) << name;
  int mismatches = 0;
  for (const QueryEvaluation& q : ev.queries) {
    ASSERT_TRUE(per_query.contains(q.query_id)) << name << " query " << q.query_id;
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const double want = per_query.at(q.query_id).at(metrics[m].trec_name()).get<double>();
      if (four_decimals(q.values[m]) != four_decimals(want) && ++mismatches <= 10) {
        ADD_FAILURE() << name << " query " << q.query_id << " " << metrics[m].trec_name() << ": molt "
                      << q.values[m] << ", trec_eval " << want;
      }
    }
  }
  EXPECT_EQ(mismatches, 0) << name;
}

class TrecEvalFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(TrecEvalFixtures, EqualToFourDecimals) {
  MOLT_REQUIRE_FIXTURE("eval/" + GetParam() + "/expected.json");
  check_case(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Eval, TrecEvalFixtures,
                         ::testing::Values("scifact-random", "scifact-ties", "scifact-partial",
                                           "nfcorpus-random", "nfcorpus-ties", "nfcorpus-partial",
                                           "synthetic-graded-zero"),
                         [](const auto& param_info) {
                           std::string s = param_info.param;
                           for (char& c : s) c = c == '-' ? '_' : c;
                           return s;
                         });

TEST(TrecEvalFixtures, EveryCaseIsCovered) {
  MOLT_REQUIRE_FIXTURE("eval");
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::fixtures_dir() / "eval")) {
    if (!e.is_directory()) continue;
    const std::string name = e.path().filename().string();
    ++n;
    EXPECT_TRUE(name == "scifact-random" || name == "scifact-ties" || name == "scifact-partial" ||
                name == "nfcorpus-random" || name == "nfcorpus-ties" || name == "nfcorpus-partial" ||
                name == "synthetic-graded-zero")
        << "new fixture case " << name << ": add it to the list above";
  }
  EXPECT_EQ(n, 7);
}

}  // namespace
}  // namespace molt::eval
