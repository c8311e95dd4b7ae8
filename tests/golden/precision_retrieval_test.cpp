// Golden: --precision bf16 and int8 against molt's fp32 on real text, the full-size
// all-MiniLM-L6-v2-shaped model and a slice of BEIR SciFact (every 40th document, the 300
// test queries): every embedding within the precision's cosine bound of its fp32 embedding
// (bf16 >= 0.999, int8 >= 0.99), and each query's top-10 documents mostly the same as
// fp32's (mean overlap >= 9.5 of 10 for bf16, >= 9 of 10 for int8).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/mteb_text.h"
#include "molt/index/exact_search.h"
#include "molt/runtime/encoder.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/test_env.h"

namespace {

using molt::runtime::Encoder;
using molt::runtime::EncoderOptions;
using molt::runtime::Precision;

struct Encoded {
  molt::runtime::Embeddings docs, queries;
};

Encoded embed(const std::vector<std::string>& docs, const std::vector<std::string>& queries, Precision p) {
  EncoderOptions options;
  options.precision = p;
  const Encoder encoder = Encoder::load(molt::test::generated_models_dir() / "all-MiniLM-L6-v2", options);
  return {encoder.embed(docs), encoder.embed(queries)};
}

std::vector<std::vector<std::int64_t>> top10(const Encoded& run) {
  molt::index::ExactSearchOptions options;
  options.k = 10;
  const auto hits = molt::index::exact_top_k(run.queries.values, run.docs.values, run.docs.dim, options);
  std::vector<std::vector<std::int64_t>> out;
  for (const auto& h : hits) {
    std::vector<std::int64_t> ids;
    for (const auto& hit : h) ids.push_back(hit.id);
    std::sort(ids.begin(), ids.end());
    out.push_back(std::move(ids));
  }
  return out;
}

double worst_cosine(const molt::runtime::Embeddings& got, const molt::runtime::Embeddings& want) {
  double worst = 1.0;
  for (std::size_t i = 0; i < got.n; ++i) {
    worst = std::min(worst, molt::test::compare_vectors(got.row(i), want.row(i)).cosine);
  }
  return worst;
}

TEST(PrecisionRetrieval, SciFactSliceAgreesWithFp32) {
  MOLT_REQUIRE_DATA("beir/scifact/corpus.jsonl");
  MOLT_REQUIRE_GENERATED("all-MiniLM-L6-v2");
  const auto ds = molt::eval::load_beir(molt::test::data_dir() / "beir" / "scifact", "test");
  std::vector<std::string> docs, queries;
  for (std::size_t i = 0; i < ds.corpus.size(); i += 40) docs.push_back(molt::eval::document_text(ds.corpus[i]));
  for (const auto& q : ds.queries) queries.push_back(molt::eval::query_text(q));
  ASSERT_GE(docs.size(), 120u);
  ASSERT_EQ(queries.size(), 300u);

  const Encoded fp32 = embed(docs, queries, Precision::kF32);
  const auto want_top = top10(fp32);
  const struct {
    Precision precision;
    double min_cosine, min_mean_overlap;
  } cases[] = {{Precision::kBF16, 0.999, 9.5}, {Precision::kInt8, 0.99, 9.0}};
  for (const auto& c : cases) {
    const char* name = molt::runtime::precision_name(c.precision);
    SCOPED_TRACE(name);
    const Encoded run = embed(docs, queries, c.precision);
    ASSERT_EQ(run.docs.n, docs.size());
    const double doc_cos = worst_cosine(run.docs, fp32.docs), query_cos = worst_cosine(run.queries, fp32.queries);
    EXPECT_GE(doc_cos, c.min_cosine);
    EXPECT_GE(query_cos, c.min_cosine);
    const auto got_top = top10(run);
    std::size_t shared = 0, identical = 0;
    for (std::size_t q = 0; q < got_top.size(); ++q) {
      std::vector<std::int64_t> both;
      std::set_intersection(got_top[q].begin(), got_top[q].end(), want_top[q].begin(), want_top[q].end(),
                            std::back_inserter(both));
      shared += both.size();
      identical += both.size() == 10 ? 1 : 0;
    }
    const double mean_overlap = static_cast<double>(shared) / static_cast<double>(got_top.size());
    EXPECT_GE(mean_overlap, c.min_mean_overlap);
    std::printf("  %s: %zu docs worst cosine %.6f, %zu queries worst cosine %.6f, top-10 overlap %.3f of 10, "
                "%zu of %zu queries identical\n",
                name, docs.size(), doc_cos, queries.size(), query_cos, mean_overlap, identical, got_top.size());
  }
}

}  // namespace
