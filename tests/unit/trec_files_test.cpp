// Qrels and TREC run files: both qrels formats, CRLF, comments, the errors (with file and
// line), and a run that survives being written and read back.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/eval/qrels.h"
#include "molt/eval/trec_metrics.h"
#include "molt/eval/trec_run.h"
#include "tests/support/test_env.h"

namespace molt::eval {
namespace {

// The error `fn` throws, or a failure.
template <typename Fn>
Error error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return internal_error("none");
}

TEST(Qrels, BeirTsvWithCrlf) {
  const Qrels q = parse_qrels("query-id\tcorpus-id\tscore\r\nq1\td2\t1\r\nq1\td1\t2\r\n\r\nq0\td1\t0\r\n", "t.tsv");
  ASSERT_EQ(q.by_query.size(), 2u);
  ASSERT_EQ(q.by_query.at("q1").size(), 2u);
  EXPECT_EQ(q.by_query.at("q1")[0].doc_id, "d1");  // sorted by doc id
  EXPECT_EQ(q.by_query.at("q1")[0].relevance, 2);
  EXPECT_EQ(q.by_query.at("q0")[0].relevance, 0);
  EXPECT_EQ(q.n_judgments(), 3u);
}

TEST(Qrels, TrecFourColumns) {
  const Qrels q = parse_qrels("301 0 FT1 1\n301 0 FT2 -1\n302\t0\tLA3\t+2\n", "qrels.txt");
  EXPECT_EQ(q.by_query.at("301")[1].relevance, -1);
  EXPECT_EQ(q.by_query.at("302")[0].relevance, 2);
}

TEST(Qrels, ErrorsNameFileAndLine) {
  Error e = error_of([] { parse_qrels("query-id\tcorpus-id\tscore\nq1\td1\n", "a.tsv"); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_EQ(e.where().file, "a.tsv");
  EXPECT_EQ(e.where().line, 2);
  e = error_of([] { parse_qrels("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\thigh\n", "a.tsv"); });
  EXPECT_EQ(e.where().line, 3);
  EXPECT_NE(e.message().find("not an integer"), std::string::npos);
  e = error_of([] { parse_qrels("q1 0 d1 1\nq1 0 d2 1\nq1 0 d1 0\n", "b.txt"); });
  EXPECT_EQ(e.where().line, 3);
  EXPECT_NE(e.message().find("first on line 1"), std::string::npos);
  e = error_of([] { parse_qrels("q1 d1 1\n", "c.txt"); });
  EXPECT_EQ(e.where().line, 1);
  e = error_of([] { parse_qrels("query-id\tcorpus-id\tscore\n", "d.tsv"); });
  EXPECT_NE(e.message().find("no relevance judgments"), std::string::npos);
  e = error_of([] { read_qrels("/nonexistent/qrels.tsv"); });
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
}

TEST(TrecRun, ParsesLikeTrecEval) {
  const eval::Run r = parse_trec_run(
      "# a comment\nq1 Q0 d1 1 2.5 sys\n\nq1 Q0 d2 2 +1e-1 sys extra fields\r\nq2\tQ0\td1\t1\t-3 other\n",
      "r.trec");
  ASSERT_EQ(r.by_query.size(), 2u);
  ASSERT_EQ(r.by_query.at("q1").size(), 2u);
  EXPECT_EQ(r.by_query.at("q1")[1].doc_id, "d2");
  EXPECT_DOUBLE_EQ(r.by_query.at("q1")[1].score, 0.1);
  EXPECT_DOUBLE_EQ(r.by_query.at("q2")[0].score, -3.0);
  EXPECT_EQ(r.tag, "other");
  EXPECT_EQ(r.n_retrieved(), 3u);
  // A '#' after any leading whitespace starts a comment, as in trec_eval.
  EXPECT_EQ(parse_trec_run("\v\t#q1 Q0 d1 1 1 x\nq2 Q0 d1 1 1 x\n", "r").by_query.size(), 1u);
}

TEST(TrecRun, ErrorsNameFileAndLine) {
  Error e = error_of([] { parse_trec_run("q1 Q0 d1 1 2.5 t\nq1 Q0 d2 2 0.5\n", "r.trec"); });
  EXPECT_EQ(e.where().file, "r.trec");
  EXPECT_EQ(e.where().line, 2);
  e = error_of([] { parse_trec_run("q1 Q0 d1 1 abc t\n", "r.trec"); });
  EXPECT_NE(e.message().find("not a finite number"), std::string::npos);
  e = error_of([] { parse_trec_run("q1 Q0 d1 1 nan t\n", "r.trec"); });
  EXPECT_EQ(e.where().line, 1);
  e = error_of([] { parse_trec_run("q1 Q0 d1 1 1 t\nq2 Q0 d1 1 1 t\nq1 Q0 d1 2 0 t\n", "r.trec"); });
  EXPECT_EQ(e.where().line, 3);
  EXPECT_NE(e.message().find("first on line 1"), std::string::npos);
}

TEST(TrecRun, WritesRanksInTrecOrder) {
  eval::Run r;
  r.tag = "bm25";
  r.by_query["q2"] = {{"a", 1.0}};
  r.by_query["q1"] = {{"a", 0.5}, {"c", 0.75}, {"b", 0.5}, {"d", static_cast<double>(0.1f)}};
  EXPECT_EQ(format_trec_run(r),
            "q1 Q0 c 1 0.75 bm25\n"
            "q1 Q0 b 2 0.5 bm25\n"
            "q1 Q0 a 3 0.5 bm25\n"
            "q1 Q0 d 4 0.1 bm25\n"
            "q2 Q0 a 1 1 bm25\n");
  r.by_query["q3"] = {{"has space", 1.0}};
  EXPECT_THROW(format_trec_run(r), Error);
}

TEST(TrecRun, ScoresReadBackAsTheSameRanking) {
  EXPECT_EQ(format_score(static_cast<double>(0.1f)), "0.1");
  EXPECT_EQ(format_score(0.1), "0.1");
  EXPECT_EQ(format_score(static_cast<double>(1.0f / 3.0f)), "0.33333334");
  EXPECT_EQ(format_score(1.0 / 3.0), "0.3333333333333333");
  // Floats one ulp apart stay apart and ordered once written and read back.
  eval::Run r;
  Qrels q;
  const float base = 0.7f;
  const float next = std::nextafter(base, 1.0f);
  r.by_query["q"] = {{"a", static_cast<double>(base)}, {"b", static_cast<double>(next)}, {"c", static_cast<double>(base)}};
  q.by_query["q"] = {{"a", 1}};
  const eval::Run back = parse_trec_run(format_trec_run(r), "mem");
  const auto ms = metrics_at(std::vector<int>{1, 2, 3});
  EXPECT_EQ(evaluate(q, back, ms).means, evaluate(q, r, ms).means);
  EXPECT_DOUBLE_EQ(evaluate(q, back, ms).queries[0].values[5], 1.0 / 3);  // mrr@3: b, c, a
}

TEST(TrecRun, WriteIsAtomic) {
  test::TempDir dir;
  eval::Run r;
  r.by_query["q"] = {{"d", 1.0}};
  write_trec_run(dir / "run.trec", r);
  const eval::Run back = read_trec_run(dir / "run.trec");
  EXPECT_EQ(back.tag, "molt");
  EXPECT_EQ(back.by_query.at("q")[0].doc_id, "d");
}

}  // namespace
}  // namespace molt::eval
