// molt eval as a process: BM25 on SciFact and NFCorpus reproduces Anserini's published
// BEIR "flat" figures (eval_refs.md), the run it writes scores identically through
// --qrels/--run, and bad input fails with exit 2 and a one-line error naming file and line.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

nlohmann::json parse_output(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << "stdout is not one JSON object: " << e.what() << "\n" << r.out;
    return nlohmann::json::object();
  }
}

std::size_t count_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

struct Published {
  const char* dataset;
  double ndcg10;
  double recall100;
  std::size_t queries;
  std::size_t docs;
};

void check_bm25(const Published& p) {
  const auto dir = data_dir() / "beir" / p.dataset;
  TempDir tmp;
  const auto run_path = tmp / "bm25.trec";
  const auto per_query = tmp / "per_query.json";
  const auto r = run_molt({"eval", "--beir", dir.string(), "--bm25", "--run", run_path.string(),
                           "--per-query", per_query.string()});
  const nlohmann::json out = parse_output(r);
  ASSERT_TRUE(out.contains("ndcg@10")) << r.out;
  // Anserini BM25 flat, BEIR v1.0.0 (eval_refs.md): within +-0.01.
  EXPECT_NEAR(out["ndcg@10"].get<double>(), p.ndcg10, 0.01) << p.dataset;
  EXPECT_NEAR(out["recall@100"].get<double>(), p.recall100, 0.01) << p.dataset;
  for (const char* key : {"mrr@10", "map@10", "recall@10", "recall@1000", "p@10", "averaging"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  EXPECT_EQ(out["queries"], p.queries);
  EXPECT_EQ(out["docs"], p.docs);
  EXPECT_EQ(out["retriever"], "bm25");
  std::cerr << "[ figures  ] " << p.dataset << " BM25: nDCG@10 " << out["ndcg@10"] << ", R@100 "
            << out["recall@100"] << ", R@1000 " << out["recall@1000"] << ", " << out["seconds"]
            << " s\n";

  // The per-query file covers every judged query.
  const nlohmann::json pq = nlohmann::json::parse(std::ifstream(per_query));
  EXPECT_EQ(pq.size(), p.queries);

  // The written run, scored again from the file, gives exactly the same figures.
  EXPECT_GT(count_lines(run_path), p.queries * 100);
  const auto again = run_molt({"eval", "--qrels", (dir / "qrels" / "test.tsv").string(), "--run",
                               run_path.string()});
  const nlohmann::json out2 = parse_output(again);
  for (const char* key : {"ndcg@10", "mrr@10", "map@10", "recall@100", "recall@1000", "p@10"}) {
    EXPECT_EQ(out2[key], out[key]) << key;
  }
  EXPECT_EQ(out2["queries"], p.queries);
}

TEST(EvalCli, Bm25SciFactReproducesAnserini) {
  MOLT_REQUIRE_DATA("beir/scifact/corpus.jsonl");
  check_bm25({"scifact", 0.6789, 0.9253, 300, 5183});
}

TEST(EvalCli, Bm25NFCorpusReproducesAnserini) {
  MOLT_REQUIRE_DATA("beir/nfcorpus/corpus.jsonl");
  check_bm25({"nfcorpus", 0.3218, 0.2457, 323, 3633});
}

TEST(EvalCli, ScoresARunLikeTrecEval) {
  MOLT_REQUIRE_FIXTURE("eval/synthetic-graded-zero/expected.json");
  const auto dir = fixtures_dir() / "eval" / "synthetic-graded-zero";
  TempDir tmp;
  const auto r = run_molt({"eval", "--qrels", (dir / "qrels.tsv").string(), "--run",
                           (dir / "run.trec").string(), "--k", "10,100", "--per-query",
                           (tmp / "pq.json").string(), "--output", (tmp / "out.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const nlohmann::json out = nlohmann::json::parse(std::ifstream(tmp / "out.json"));
  const nlohmann::json expected = nlohmann::json::parse(std::ifstream(dir / "expected.json"));
  const std::pair<const char*, const char*> names[] = {
      {"ndcg@10", "ndcg_cut_10"}, {"map@10", "map_cut_10"}, {"recall@10", "recall_10"},
      {"recall@100", "recall_100"}, {"p@10", "P_10"}, {"mrr@10", "recip_rank_cut_10"}};
  for (const auto& [molt_name, trec_name] : names) {
    EXPECT_NEAR(out[molt_name].get<double>(), expected["aggregate"][trec_name].get<double>(), 5e-5)
        << molt_name;
  }
  EXPECT_EQ(out["queries"], 40);
  const nlohmann::json pq = nlohmann::json::parse(std::ifstream(tmp / "pq.json"));
  EXPECT_EQ(pq.size(), 40u);
  EXPECT_NEAR(pq["q12"]["ndcg@10"].get<double>(), expected["per_query"]["q12"]["ndcg_cut_10"].get<double>(), 5e-5);
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& mention) {
  const auto r = run_molt(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("molt: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(EvalCli, BadInputFailsWithFileAndLine) {
  TempDir tmp;
  const auto qrels = tmp / "bad.tsv";
  std::ofstream(qrels) << "query-id\tcorpus-id\tscore\nq1\td1\tone\n";
  const auto run = tmp / "run.trec";
  std::ofstream(run) << "q1 Q0 d1 1 0.5 x\n";
  const auto out = tmp / "out.json";
  expect_usage_error({"eval", "--qrels", qrels.string(), "--run", run.string(), "--output", out.string()},
                     qrels.string() + ", line 2");
  EXPECT_FALSE(std::filesystem::exists(out));

  std::ofstream(qrels) << "query-id\tcorpus-id\tscore\nq1\td1\t1\n";
  std::ofstream(run) << "q1 Q0 d1 1 0.5 x\nq1 Q0 d2 2\n";
  expect_usage_error({"eval", "--qrels", qrels.string(), "--run", run.string()}, run.string() + ", line 2");
  expect_usage_error({"eval", "--qrels", qrels.string()}, "--run");
  expect_usage_error({"eval", "--qrels", (tmp / "nope.tsv").string(), "--run", run.string()}, "nope.tsv");
  expect_usage_error({"eval"}, "--beir");
  expect_usage_error({"eval", "--beir", tmp.path().string()}, "--bm25");
  expect_usage_error({"eval", "--beir", (tmp / "missing").string(), "--bm25"}, "missing");
  expect_usage_error({"eval", "--beir", tmp.path().string(), "--qrels", qrels.string()}, "excludes");
  expect_usage_error({"eval", "--qrels", qrels.string(), "--run", run.string(), "--k", "0"}, "cutoff");
}

TEST(EvalCli, BadBeirLineIsNamed) {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "ds" / "qrels");
  std::ofstream(tmp / "ds" / "corpus.jsonl") << "{\"_id\": \"d1\", \"text\": \"insulin\"}\n{\"_id\": \"d2\"}\n";
  std::ofstream(tmp / "ds" / "queries.jsonl") << "{\"_id\": \"q1\", \"text\": \"Insulin?\"}\n";
  std::ofstream(tmp / "ds" / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n";
  expect_usage_error({"eval", "--beir", (tmp / "ds").string(), "--bm25"},
                     (tmp / "ds" / "corpus.jsonl").string() + ", line 2");
  std::ofstream(tmp / "ds" / "corpus.jsonl") << "{\"_id\": \"d1\", \"text\": \"insulin\"}\n";
  const auto r = run_molt({"eval", "--beir", (tmp / "ds").string(), "--bm25"});
  const nlohmann::json out = parse_output(r);
  EXPECT_EQ(out["ndcg@10"], 1.0);
  EXPECT_EQ(out["docs"], 1);
}

TEST(EvalCli, HelpDocumentsTheFlags) {
  const auto r = run_molt({"eval", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--beir", "--bm25", "--qrels", "--run", "--per-query", "--k", "--top-k", "--split"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace molt::test
