// `molt eval --model` end to end on a small BEIR subset of SciFact built in a temporary
// folder: its figures must equal those of a run written by hand from `molt embed` vectors
// (MTEB's text assembly, cosine, trec_eval conventions) and scored with `molt eval --qrels
// --run`. Also --hybrid, progress in docs/s, and the usage errors of the model flags.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "tests/support/format_writers.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {
namespace fs = std::filesystem;

struct Doc {
  std::string id, title, text;
};

std::string ascii_strip(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n\r\f\v") - b + 1);
}

class EvalModelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_DATA("beir/scifact");
    MOLT_REQUIRE_MODEL("static-a");
    build_subset();
  }

  // 12 judged queries, their relevant documents and 150 others.
  void build_subset() {
    const fs::path src = data_dir() / "beir" / "scifact";
    std::ifstream qrels(src / "qrels" / "test.tsv");
    std::string line;
    std::getline(qrels, line);  // header
    std::set<std::string> relevant;
    std::string qrels_out = "query-id\tcorpus-id\tscore\n";
    while (std::getline(qrels, line)) {
      std::istringstream f(line);
      std::string q, d, s;
      f >> q >> d >> s;
      if (queries_.count(q) == 0) {
        if (queries_.size() >= 12) continue;
        queries_[q];
      }
      relevant.insert(d);
      qrels_out += q + "\t" + d + "\t" + s + "\n";
    }
    fs::create_directories(dir() / "qrels");
    write_bytes(dir() / "qrels" / "test.tsv", qrels_out);
    std::ifstream queries(src / "queries.jsonl");
    std::string queries_out;
    while (std::getline(queries, line)) {
      const auto j = nlohmann::json::parse(line);
      const auto it = queries_.find(j["_id"].get<std::string>());
      if (it == queries_.end()) continue;
      it->second = j["text"].get<std::string>();
      queries_out += line + "\n";
    }
    write_bytes(dir() / "queries.jsonl", queries_out);
    std::ifstream corpus(src / "corpus.jsonl");
    std::string corpus_out;
    std::size_t others = 0;
    while (std::getline(corpus, line)) {
      const auto j = nlohmann::json::parse(line);
      const std::string id = j["_id"].get<std::string>();
      const bool judged = relevant.count(id) != 0;
      if (!judged && others >= 150) continue;
      others += judged ? 0 : 1;
      docs_.push_back({id, j.value("title", ""), j["text"].get<std::string>()});
      corpus_out += line + "\n";
    }
    write_bytes(dir() / "corpus.jsonl", corpus_out);
  }

  fs::path dir() const { return tmp_ / "scifact-small"; }

  ProcessOptions env(std::string stdin_data = {}) const {
    ProcessOptions o;
    o.env = {{"MOLT_MODELS", ""}, {"HF_HUB_OFFLINE", "1"}, {"HF_HOME", (tmp_ / "hf").string()}};
    o.stdin_data = std::move(stdin_data);
    return o;
  }

  // `molt embed` of texts, in order.
  std::vector<std::vector<double>> embed(const std::vector<std::string>& texts) const {
    std::string input;
    for (std::size_t i = 0; i < texts.size(); ++i) input += nlohmann::json{{"id", i}, {"text", texts[i]}}.dump() + "\n";
    const auto r = run_molt({"embed", "--model", (models_dir() / "static-a").string()}, env(input));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<double>> out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      const auto v = nlohmann::json::parse(line)["embedding"].get<std::vector<double>>();
      out.push_back(v);
    }
    EXPECT_EQ(out.size(), texts.size());
    return out;
  }

  TempDir tmp_;
  std::map<std::string, std::string> queries_;  // id → text
  std::vector<Doc> docs_;
};

TEST_F(EvalModelCli, EqualsARunWrittenByHandFromEmbedVectors) {
  const fs::path model_run = tmp_ / "model.trec";
  const auto r = run_molt({"eval", "--model", (models_dir() / "static-a").string(), "--beir", dir().string(),
                           "--run", model_run.string(), "--threads", "2", "--progress"},
                          env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto model = nlohmann::json::parse(r.out);
  EXPECT_EQ(model["retriever"], "dense");
  EXPECT_EQ(model["docs"], docs_.size());
  EXPECT_EQ(model["queries"], queries_.size());
  EXPECT_GT(model["docs_per_s"].get<double>(), 0.0);
  EXPECT_EQ(model["model"]["dim"], 384);
  EXPECT_NE(r.err.find("docs/s"), std::string::npos) << r.err;

  // By hand: MTEB's texts, molt embed, cosine, every document ranked.
  std::vector<std::string> doc_texts, query_texts, query_ids;
  for (const Doc& d : docs_) doc_texts.push_back(ascii_strip(d.title + " " + d.text));
  for (const auto& [id, text] : queries_) {
    query_ids.push_back(id);
    query_texts.push_back(text);
  }
  const auto dv = embed(doc_texts);
  const auto qv = embed(query_texts);
  std::string run;
  for (std::size_t q = 0; q < qv.size(); ++q) {
    std::vector<std::pair<double, std::string>> scored;
    for (std::size_t d = 0; d < dv.size(); ++d) {
      if (docs_[d].id == query_ids[q]) continue;
      double dot = 0.0, nq = 0.0, nd = 0.0;
      for (std::size_t k = 0; k < qv[q].size(); ++k) {
        dot += qv[q][k] * dv[d][k];
        nq += qv[q][k] * qv[q][k];
        nd += dv[d][k] * dv[d][k];
      }
      scored.push_back({dot / std::sqrt(nq * nd), docs_[d].id});
    }
    std::sort(scored.rbegin(), scored.rend());
    for (std::size_t i = 0; i < scored.size(); ++i) {
      char score[32];
      std::snprintf(score, sizeof score, "%.9g", scored[i].first);
      run += query_ids[q] + " Q0 " + scored[i].second + " " + std::to_string(i + 1) + " " + score + " hand\n";
    }
  }
  const fs::path hand_run = tmp_ / "hand.trec";
  write_bytes(hand_run, run);
  const auto h = run_molt({"eval", "--qrels", (dir() / "qrels" / "test.tsv").string(), "--run", hand_run.string()}, env());
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const auto hand = nlohmann::json::parse(h.out);
  for (const char* metric : {"ndcg@10", "mrr@10", "map@10", "recall@10", "recall@100", "p@10", "ndcg@1000"}) {
    EXPECT_NEAR(model[metric].get<double>(), hand[metric].get<double>(), 1e-4) << metric;
  }
  EXPECT_GT(model["ndcg@10"].get<double>(), 0.2);  // static-a finds SciFact's relevant papers
}

TEST_F(EvalModelCli, HybridFusesBothRankings) {
  const auto r = run_molt({"eval", "--hybrid", "--model", (models_dir() / "static-a").string(), "--beir",
                           dir().string()},
                          env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["retriever"], "hybrid");
  EXPECT_TRUE(out.contains("bm25"));
  EXPECT_GT(out["ndcg@10"].get<double>(), 0.0);
}

TEST_F(EvalModelCli, ModelFlagErrors) {
  const std::string model = (models_dir() / "static-a").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--hybrid"}, "--hybrid needs --model"},
      {{"--bm25", "--model", model}, "--hybrid --model M"},
      {{"--model", model, "--query-prompt", "query"}, "no prompt 'query'"},
      {{"--model", model, "--dim", "400"}, "larger than the model's"},
      {{"--model", model, "--precision", "fp16"}, "unknown --precision"},
  };
  for (const auto& [extra, text] : cases) {
    std::vector<std::string> args = {"eval", "--beir", dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_molt(args, env());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace molt::test
