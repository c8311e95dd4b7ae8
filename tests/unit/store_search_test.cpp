// Search in the store: dense search on a flat space equals brute force (with and without
// metadata filters), BM25 in SQLite equals index::Bm25Index score for score, hybrid equals
// reciprocal rank fusion of the two, and filters parse and match as documented.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/index/bm25_index.h"
#include "molt/index/english_analyzer.h"
#include "molt/index/rank_fusion.h"
#include "molt/store/metadata_filter.h"
#include "molt/store/store.h"
#include "tests/support/test_env.h"

namespace molt::store {
namespace {

using test::TempDir;

const char* const kWords[] = {"protein", "cell", "cells", "growth", "cancer", "tumour", "the", "of", "gene",
                              "genes", "expression", "insulin", "receptor", "mice", "patients", "risk",
                              "increased", "reduced", "levels", "blood", "brain", "neurons", "signal",
                              "treatment", "trial", "dose", "virus", "infection", "immune", "response"};

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
  std::vector<nlohmann::json> metadata;
  std::vector<float> vectors;  // f32 [n, dim]
};

Corpus make_corpus(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::uniform_int_distribution<int> len(0, 30);
  std::normal_distribution<float> g;
  Corpus c;
  for (std::size_t i = 0; i < n; ++i) {
    c.ids.push_back("d" + std::to_string(1000 + i));
    std::string text;
    const int words = i % 50 == 7 ? 0 : len(rng);  // a few documents without any term
    for (int w = 0; w < words; ++w) text += std::string(kWords[word(rng)]) + (w % 7 == 6 ? ". " : " ");
    c.texts.push_back(text);
    c.metadata.push_back({{"year", 2015 + static_cast<int>(i % 8)}, {"lang", i % 3 == 0 ? "en" : "de"},
                          {"source", {{"name", i % 2 == 0 ? "pubmed" : "arxiv"}}}});
    for (std::size_t j = 0; j < dim; ++j) c.vectors.push_back(g(rng));
  }
  return c;
}

void load(Store& s, const Corpus& c, std::size_t dim, const std::string& spec) {
  s.create_collection("c");
  SpaceConfig cfg;
  cfg.name = "v";
  cfg.model_dim = dim;
  cfg.dim = dim;
  cfg.index_spec = index::parse_index_spec(spec);
  s.create_space("c", cfg);
  std::vector<DocumentWrite> batch;
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    DocumentWrite d;
    d.id = c.ids[i];
    d.text = c.texts[i];
    d.metadata = c.metadata[i];
    d.vectors["v"] = std::vector<float>(c.vectors.begin() + i * dim, c.vectors.begin() + (i + 1) * dim);
    batch.push_back(std::move(d));
  }
  s.upsert("c", batch);
}

// Cosine brute force in double, ids of the top k (score desc, then insertion order).
std::vector<std::string> brute_force(const Corpus& c, std::size_t dim, const std::vector<float>& q, std::size_t k,
                                     const std::vector<MetadataFilter>& filters) {
  std::vector<std::pair<double, std::size_t>> scored;
  double qn = 0;
  for (const float x : q) qn += double(x) * x;
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    if (!matches_filters(c.metadata[i], filters)) continue;
    double dot = 0, n = 0;
    for (std::size_t j = 0; j < dim; ++j) {
      dot += double(q[j]) * c.vectors[i * dim + j];
      n += double(c.vectors[i * dim + j]) * c.vectors[i * dim + j];
    }
    scored.emplace_back(-dot / std::sqrt(qn * n), i);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t r = 0; r < std::min(k, scored.size()); ++r) out.push_back(c.ids[scored[r].second]);
  return out;
}

std::vector<std::string> ids_of(const SearchResult& r) {
  std::vector<std::string> out;
  for (const SearchHit& h : r.hits) out.push_back(h.id);
  return out;
}

TEST(StoreSearch, DenseOnFlatEqualsBruteForceWithFilters) {
  TempDir tmp;
  const std::size_t dim = 24;
  const Corpus corpus = make_corpus(800, dim, 1);
  Store s(tmp / "db", {.create = true});
  load(s, corpus, dim, "flat");
  std::mt19937 rng(2);
  std::normal_distribution<float> g;
  const std::vector<std::vector<MetadataFilter>> filter_sets = {
      {},
      {parse_metadata_filter("lang=en")},
      {parse_metadata_filter("year=2019"), parse_metadata_filter("source.name=arxiv")},
      {parse_metadata_filter("year=1900")},
  };
  for (int qi = 0; qi < 20; ++qi) {
    std::vector<float> q(dim);
    for (float& x : q) x = g(rng);
    for (const auto& filters : filter_sets) {
      SearchRequest r;
      r.collection = "c";
      r.vector = q;
      r.k = 15;
      r.filters = filters;
      const SearchResult got = s.search(r);
      EXPECT_EQ(ids_of(got), brute_force(corpus, dim, q, 15, filters)) << "query " << qi;
      for (const SearchHit& h : got.hits) {
        const std::size_t i = static_cast<std::size_t>(std::stoi(h.id.substr(1)) - 1000);
        EXPECT_EQ(h.text, corpus.texts[i]);
        EXPECT_EQ(h.metadata, corpus.metadata[i]);
      }
    }
  }
}

TEST(StoreSearch, HnswSpaceMatchesExactOnMostResults) {
  TempDir tmp;
  const std::size_t dim = 24;
  const Corpus corpus = make_corpus(1500, dim, 3);
  Store s(tmp / "db", {.create = true});
  load(s, corpus, dim, "hnsw:exactBelow=0");
  std::mt19937 rng(4);
  std::normal_distribution<float> g;
  double found = 0, total = 0;
  for (int qi = 0; qi < 30; ++qi) {
    SearchRequest r;
    r.collection = "c";
    r.vector.resize(dim);
    for (float& x : r.vector) x = g(rng);
    r.k = 10;
    const auto approx = ids_of(s.search(r));
    r.exact = true;
    const auto exact = ids_of(s.search(r));
    EXPECT_EQ(exact, brute_force(corpus, dim, r.vector, 10, {}));
    for (const std::string& id : approx) found += std::count(exact.begin(), exact.end(), id);
    total += static_cast<double>(exact.size());
  }
  EXPECT_GE(found / total, 0.95);
}

// The keyword search SQLite runs gives Bm25Index's ranking and scores, float for float.
TEST(StoreSearch, Bm25InSqliteEqualsTheLuceneExactIndex) {
  TempDir tmp;
  const Corpus corpus = make_corpus(600, 4, 5);
  Store s(tmp / "db", {.create = true});
  load(s, corpus, 4, "flat");
  const index::EnglishAnalyzer analyzer;
  index::Bm25Index bm25;
  for (const std::string& t : corpus.texts) bm25.add(analyzer.terms(t));
  const std::vector<std::string> queries = {"protein expression in cells", "the of", "insulin insulin receptor",
                                            "tumour growth of mice", "immune response to virus infection",
                                            "zebra", "Cancer RISK increased", "brain neurons signal signal signal"};
  for (const std::string& q : queries) {
    SearchRequest r;
    r.collection = "c";
    r.mode = SearchMode::kBm25;
    r.text = q;
    r.k = 50;
    const SearchResult got = s.search(r);
    const auto want = bm25.search(analyzer.terms(q), 50);
    ASSERT_EQ(got.hits.size(), want.size()) << q;
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got.hits[i].id, corpus.ids[static_cast<std::size_t>(want[i].id)]) << q << " rank " << i;
      EXPECT_EQ(got.hits[i].score, want[i].score) << q << " rank " << i;
    }
  }
  // With a filter: the same ranking restricted to the matching documents.
  SearchRequest r;
  r.collection = "c";
  r.mode = SearchMode::kBm25;
  r.text = "protein cancer cells";
  r.k = 1000;
  r.filters = {parse_metadata_filter("lang=de")};
  const SearchResult filtered = s.search(r);
  const auto all = bm25.search(analyzer.terms(r.text), 1000);
  std::vector<std::string> want;
  for (const index::Hit& h : all) {
    if (corpus.metadata[static_cast<std::size_t>(h.id)]["lang"] == "de") want.push_back(corpus.ids[static_cast<std::size_t>(h.id)]);
  }
  EXPECT_EQ(ids_of(filtered), want);
}

TEST(StoreSearch, Bm25FollowsUpdatesAndDeletes) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("c");
  std::vector<DocumentWrite> batch(3);
  batch[0] = {"a", "insulin receptor signalling", {}, {}};
  batch[1] = {"b", "insulin in blood", {}, {}};
  batch[2] = {"c", "the of and", {}, {}};  // stop words only: no terms
  s.upsert("c", batch);
  SearchRequest r;
  r.collection = "c";
  r.mode = SearchMode::kBm25;
  r.text = "insulin";
  EXPECT_EQ(ids_of(s.search(r)), (std::vector<std::string>{"b", "a"}));
  std::vector<DocumentWrite> edit(1);
  edit[0] = {"b", "blood pressure", {}, {}};
  s.upsert("c", edit);
  EXPECT_EQ(ids_of(s.search(r)), (std::vector<std::string>{"a"}));
  const std::vector<std::string> gone = {"a"};
  s.remove("c", gone);
  EXPECT_TRUE(s.search(r).hits.empty());
  r.text = "the of";
  EXPECT_TRUE(s.search(r).hits.empty());
  EXPECT_TRUE(s.check().ok());
  // Dense search on a collection without spaces says what is missing.
  r.mode = SearchMode::kDense;
  r.text = "blood";
  EXPECT_THROW(s.search(r), Error);
}

TEST(StoreSearch, HybridIsRankFusionOfBoth) {
  TempDir tmp;
  const std::size_t dim = 8;
  const Corpus corpus = make_corpus(300, dim, 7);
  Store s(tmp / "db", {.create = true});
  load(s, corpus, dim, "flat");
  SearchRequest r;
  r.collection = "c";
  r.text = "cancer cells growth";
  r.vector.assign(corpus.vectors.begin(), corpus.vectors.begin() + dim);
  r.fusion_depth = 40;
  r.mode = SearchMode::kDense;
  r.k = 40;
  const SearchResult dense = s.search(r);
  r.mode = SearchMode::kBm25;
  const SearchResult keyword = s.search(r);
  r.mode = SearchMode::kHybrid;
  r.k = 10;
  const SearchResult hybrid = s.search(r);
  std::map<std::string, std::int64_t> key;
  std::vector<index::Hit> rankings[2];
  std::map<std::int64_t, std::string> id_of;
  for (int which = 0; which < 2; ++which) {
    for (const SearchHit& h : (which == 0 ? dense : keyword).hits) {
      if (!key.count(h.id)) {
        // Keys as the store assigns them: insertion order.
        key[h.id] = std::stoi(h.id.substr(1)) - 1000 + 1;
        id_of[key[h.id]] = h.id;
      }
      rankings[which].push_back({key[h.id], h.score});
    }
  }
  const auto fused = index::reciprocal_rank_fusion(rankings, 10, {.k = 60.0, .depth = 40});
  ASSERT_EQ(hybrid.hits.size(), fused.size());
  for (std::size_t i = 0; i < fused.size(); ++i) {
    EXPECT_EQ(hybrid.hits[i].id, id_of[fused[i].id]) << i;
    EXPECT_FLOAT_EQ(hybrid.hits[i].score, fused[i].score);
  }
}

TEST(MetadataFilter, ParsesValuesAsDocumented) {
  EXPECT_EQ(parse_metadata_filter("year=2021").value, nlohmann::json(2021));
  EXPECT_EQ(parse_metadata_filter("lang=en").value, nlohmann::json("en"));
  EXPECT_EQ(parse_metadata_filter("code=\"2021\"").value, nlohmann::json("2021"));
  EXPECT_EQ(parse_metadata_filter("draft=false").value, nlohmann::json(false));
  EXPECT_EQ(parse_metadata_filter("x=null").value, nlohmann::json(nullptr));
  EXPECT_EQ(parse_metadata_filter("t=a=b").value, nlohmann::json("a=b"));
  EXPECT_EQ(parse_metadata_filter("empty=").value, nlohmann::json(""));
  const MetadataFilter nested = parse_metadata_filter("author.name=Ada");
  EXPECT_EQ(nested.path, (std::vector<std::string>{"author", "name"}));
  for (const char* bad : {"novalue", "=x", "a..b=1", ".a=1", "a.=1", "a\"b=1", "x=[1]", "x={}"}) {
    try {
      parse_metadata_filter(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
    }
  }
}

TEST(MetadataFilter, MatchesByTypeAndValue) {
  const nlohmann::json m = {{"year", 2021}, {"score", 0.5}, {"lang", "en"}, {"ok", true}, {"none", nullptr},
                            {"a", {{"b", "c"}}}, {"big", 18446744073709551615ULL}};
  auto match = [&](const char* f) {
    const std::vector<MetadataFilter> fs = {parse_metadata_filter(f)};
    return matches_filters(m, fs);
  };
  EXPECT_TRUE(match("year=2021"));
  EXPECT_TRUE(match("year=2021.0"));
  EXPECT_FALSE(match("year=\"2021\""));
  EXPECT_TRUE(match("score=0.5"));
  EXPECT_TRUE(match("lang=en"));
  EXPECT_FALSE(match("lang=EN"));
  EXPECT_TRUE(match("ok=true"));
  EXPECT_FALSE(match("ok=1"));
  EXPECT_TRUE(match("none=null"));
  EXPECT_FALSE(match("missing=null"));
  EXPECT_TRUE(match("a.b=c"));
  EXPECT_FALSE(match("a.b.c=c"));
  EXPECT_TRUE(match("big=18446744073709551615"));
  EXPECT_FALSE(match("big=-1"));
}

// The SQL that filters documents agrees with matches_filters on every document.
TEST(MetadataFilter, SqlAgreesWithTheDefinition) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("c");
  const std::vector<nlohmann::json> metas = {
      {{"year", 2021}}, {{"year", 2021.0}}, {{"year", "2021"}}, {{"year", true}}, {{"year", nullptr}},
      {{"a", {{"b", "c"}}}}, {{"a", "b"}}, {{"ok", false}}, {{"ok", 0}}, nlohmann::json::object(),
      {{"weird key", "v"}}, {{"big", 9007199254740993LL}}, {{"big", 9007199254740992.0}}};
  std::vector<DocumentWrite> batch;
  for (std::size_t i = 0; i < metas.size(); ++i) batch.push_back({"m" + std::to_string(i), "x", metas[i], {}});
  s.upsert("c", batch);
  for (const char* f : {"year=2021", "year=\"2021\"", "year=true", "year=null", "a.b=c", "a=b", "ok=false",
                        "ok=0", "weird key=v", "big=9007199254740993", "big=9007199254740992"}) {
    const std::vector<MetadataFilter> fs = {parse_metadata_filter(f)};
    std::vector<std::string> want;
    for (std::size_t i = 0; i < metas.size(); ++i) {
      if (matches_filters(metas[i], fs)) want.push_back("m" + std::to_string(i));
    }
    SearchRequest r;
    r.collection = "c";
    r.mode = SearchMode::kBm25;
    r.text = "x";
    r.k = 100;
    r.filters = fs;
    std::vector<std::string> got = ids_of(s.search(r));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << f;
  }
}

}  // namespace
}  // namespace molt::store
