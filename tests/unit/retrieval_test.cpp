// The retrieval paths of evaluation with no model: dense search through a deterministic fake
// embedder, BM25, their fusion, the query-id exclusion rule and trec_eval's tie order.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/eval/beir_eval.h"
#include "molt/eval/retrieval.h"
#include "tests/support/test_env.h"

namespace molt::eval {
namespace {

// Embeds a text as its counts of the letters a..d (lower case): cosine similarity is then
// computable by hand. Records every call.
class LetterCountEmbedder : public TextEmbedder {
 public:
  std::size_t dim() const override { return 4; }
  std::vector<float> embed(std::span<const std::string> texts, EmbedRole role) override {
    calls.emplace_back(texts.size(), role);
    std::vector<float> out(texts.size() * 4, 0.0f);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      for (const char c : texts[i]) {
        if (c >= 'a' && c <= 'd') out[i * 4 + static_cast<std::size_t>(c - 'a')] += 1.0f;
      }
    }
    return out;
  }
  std::vector<std::pair<std::size_t, EmbedRole>> calls;
};

std::vector<BeirDocument> docs(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<BeirDocument> out;
  for (const auto& [id, text] : list) out.push_back(BeirDocument{id, "", text, false});
  return out;
}

TEST(RetrievalCorpus, RowsAreIdsDescending) {
  const RetrievalCorpus c(docs({{"d1", "x"}, {"d10", "y"}, {"D2", "z"}}));
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.id(0), "d10");
  EXPECT_EQ(c.id(1), "d1");
  EXPECT_EQ(c.id(2), "D2");
  EXPECT_EQ(c.text(0), "y");
  EXPECT_EQ(c.row_of("d1"), 1);
  EXPECT_EQ(c.row_of("nope"), -1);
}

TEST(DenseSearch, CosineRankingChunksAndRoles) {
  const RetrievalCorpus c(docs({{"aaa", "aaa"}, {"bbb", "bbb"}, {"ab", "ab"}, {"cc", "cc"}, {"ac", "a c"}}));
  const std::vector<BeirQuery> queries = {{"q1", "a"}, {"q2", "bc"}};
  LetterCountEmbedder emb;
  RetrievalOptions opt;
  opt.top_k = 3;
  opt.embed_chunk = 2;
  const Rankings r = dense_search(c, queries, emb, opt);
  // 5 documents in chunks of 2, then the 2 queries.
  ASSERT_EQ(emb.calls.size(), 4u);
  EXPECT_EQ(emb.calls[0], std::make_pair(std::size_t{2}, EmbedRole::kDocument));
  EXPECT_EQ(emb.calls[2], std::make_pair(std::size_t{1}, EmbedRole::kDocument));
  EXPECT_EQ(emb.calls[3], std::make_pair(std::size_t{2}, EmbedRole::kQuery));
  const eval::Run run = to_run(c, queries, r, "t");
  const auto& q1 = run.by_query.at("q1");
  ASSERT_EQ(q1.size(), 3u);
  EXPECT_EQ(q1[0].doc_id, "aaa");  // cos 1
  EXPECT_NEAR(q1[0].score, 1.0, 1e-6);
  // "ab" and "ac" both score 1/sqrt(2): equal, so id descending, as trec_eval ranks them.
  EXPECT_EQ(q1[1].doc_id, "ac");
  EXPECT_EQ(q1[2].doc_id, "ab");
  EXPECT_NEAR(q1[1].score, 1 / std::sqrt(2.0), 1e-6);
  // cos(bc, cc) = cos(bc, bbb) = 1/sqrt(2): the tie goes to the higher id.
  EXPECT_EQ(run.by_query.at("q2")[0].doc_id, "cc");
  EXPECT_EQ(run.by_query.at("q2")[1].doc_id, "bbb");
}

TEST(DenseSearch, DocumentWithTheQueryIdIsNeverReturned) {
  const RetrievalCorpus c(docs({{"q1", "aaa"}, {"x", "ab"}, {"y", "bbb"}}));
  const std::vector<BeirQuery> queries = {{"q1", "a"}};
  LetterCountEmbedder emb;
  RetrievalOptions opt;
  opt.top_k = 10;
  Rankings r = dense_search(c, queries, emb, opt);
  eval::Run run = to_run(c, queries, r, "t");
  ASSERT_EQ(run.by_query.at("q1").size(), 2u);
  EXPECT_EQ(run.by_query.at("q1")[0].doc_id, "x");
  opt.exclude_query_id = false;
  r = dense_search(c, queries, emb, opt);
  run = to_run(c, queries, r, "t");
  EXPECT_EQ(run.by_query.at("q1")[0].doc_id, "q1");
}

TEST(Bm25Search, RanksAndExcludesTheQueryId) {
  const RetrievalCorpus c(docs({{"q1", "diabetes insulin"},
                                {"d2", "insulin resistance in diabetes patients"},
                                {"d3", "the weather today"},
                                {"d4", "insulin"}}));
  const std::vector<BeirQuery> queries = {{"q1", "Insulin and diabetes"}, {"q2", "weather"}};
  ThreadPool pool(2);
  RetrievalOptions opt;
  opt.top_k = 10;
  opt.pool = &pool;
  const eval::Run run = to_run(c, queries, bm25_search(c, queries, index::Bm25Params{}, opt), "bm25");
  const auto& q1 = run.by_query.at("q1");
  ASSERT_EQ(q1.size(), 2u);  // q1 itself is excluded; d3 matches nothing
  EXPECT_EQ(q1[0].doc_id, "d2");  // both terms
  EXPECT_EQ(q1[1].doc_id, "d4");
  ASSERT_EQ(run.by_query.at("q2").size(), 1u);
  EXPECT_EQ(run.by_query.at("q2")[0].doc_id, "d3");
}

TEST(FuseRankings, QueryByQuery) {
  const Rankings a = {{{0, 3.0f}, {1, 2.0f}}, {{2, 1.0f}}};
  const Rankings b = {{{1, 0.9f}, {2, 0.8f}}, {}};
  const Rankings f = fuse_rankings(a, b, 10);
  ASSERT_EQ(f.size(), 2u);
  ASSERT_EQ(f[0].size(), 3u);
  EXPECT_EQ(f[0][0].id, 1);  // 1/62 + 1/61
  EXPECT_EQ(f[0][1].id, 0);  // 1/61
  EXPECT_EQ(f[0][2].id, 2);  // 1/62
  ASSERT_EQ(f[1].size(), 1u);
  EXPECT_THROW(fuse_rankings(a, Rankings{}, 10), Error);
}

class BeirEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(tmp_ / "qrels");
    std::ofstream(tmp_ / "corpus.jsonl")
        << "{\"_id\": \"d1\", \"title\": \"Insulin\", \"text\": \"insulin and diabetes aa\"}\n"
           "{\"_id\": \"d2\", \"title\": \"Weather\", \"text\": \"rain bb\"}\n"
           "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"insulin dd\"}\n";
    std::ofstream(tmp_ / "queries.jsonl") << "{\"_id\": \"q1\", \"text\": \"diabetes insulin a\"}\n"
                                             "{\"_id\": \"q2\", \"text\": \"rain b\"}\n";
    std::ofstream(tmp_ / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n";
  }
  test::TempDir tmp_;
};

TEST_F(BeirEvalTest, EveryRetrieverEndToEnd) {
  LetterCountEmbedder emb;
  BeirEvalOptions o;
  o.dataset = tmp_.path();
  o.cutoffs = {1, 10};
  o.threads = 2;
  for (const Retriever r : {Retriever::kBm25, Retriever::kDense, Retriever::kHybrid}) {
    o.retriever = r;
    o.embedder = &emb;
    const BeirEvalResult res = evaluate_beir(o);
    EXPECT_EQ(res.n_docs, 3u);
    EXPECT_EQ(res.n_queries, 2u);
    const int ndcg1 = res.evaluation.index_of("ndcg@1");
    ASSERT_GE(ndcg1, 0);
    EXPECT_DOUBLE_EQ(res.evaluation.means[static_cast<std::size_t>(ndcg1)], 1.0) << retriever_name(r);
    EXPECT_EQ(res.run.tag, "molt");
  }
  o.retriever = Retriever::kDense;
  o.embedder = nullptr;
  EXPECT_THROW(evaluate_beir(o), Error);
}

}  // namespace
}  // namespace molt::eval
