// The vector indexes behind one interface: spec strings, the flat index against a naive
// double-precision scan (the oracle's oracle), HNSW and IVF recall against flat, removal,
// replacement, allowed sets, and save/load round trips.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/index/flat_index.h"
#include "molt/index/hnsw_index.h"
#include "molt/index/index_spec.h"
#include "molt/index/ivf_index.h"
#include "molt/index/vector_codec.h"
#include "molt/index/vector_index.h"

namespace molt::index {
namespace {

std::vector<float> gaussian(std::size_t rows, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n;
  std::vector<float> x(rows * dim);
  for (float& v : x) v = n(rng);
  return x;
}

// Points around a few hundred centres, like embeddings of topical text.
std::vector<float> clustered(std::size_t rows, std::size_t dim, std::size_t n_centres, unsigned seed) {
  const std::vector<float> centres = gaussian(n_centres, dim, seed);
  std::mt19937 rng(seed + 1);
  std::normal_distribution<float> n(0.0f, 0.6f);
  std::uniform_int_distribution<std::size_t> pick(0, n_centres - 1);
  std::vector<float> x(rows * dim);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t c = pick(rng);
    for (std::size_t j = 0; j < dim; ++j) x[r * dim + j] = centres[c * dim + j] + n(rng);
  }
  return x;
}

std::vector<std::int64_t> iota_ids(std::size_t n, std::int64_t first = 0) {
  std::vector<std::int64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = first + static_cast<std::int64_t>(i);
  return ids;
}

// The oracle's oracle: every score in double, sorted by (score desc, id asc).
std::vector<Hit> naive(Metric metric, std::span<const float> q, const std::vector<float>& x,
                       const std::vector<std::int64_t>& ids, std::size_t dim, std::size_t k,
                       const std::set<std::int64_t>* allowed = nullptr) {
  auto norm = [](const float* v, std::size_t d) {
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) s += double(v[j]) * v[j];
    return std::sqrt(s);
  };
  std::vector<std::pair<double, std::int64_t>> all;
  const double qn = norm(q.data(), dim);
  for (std::size_t r = 0; r < ids.size(); ++r) {
    if (allowed != nullptr && allowed->count(ids[r]) == 0) continue;
    const float* v = x.data() + r * dim;
    double s = 0;
    if (metric == Metric::kL2) {
      for (std::size_t j = 0; j < dim; ++j) s -= (double(q[j]) - v[j]) * (double(q[j]) - v[j]);
    } else {
      for (std::size_t j = 0; j < dim; ++j) s += double(q[j]) * v[j];
      if (metric == Metric::kCosine) s /= qn * norm(v, dim);
    }
    all.emplace_back(-s, ids[r]);
  }
  std::sort(all.begin(), all.end());
  std::vector<Hit> out;
  for (std::size_t i = 0; i < std::min(k, all.size()); ++i) out.push_back({all[i].second, float(-all[i].first)});
  return out;
}

double recall_at(const std::vector<Hit>& got, const std::vector<Hit>& truth) {
  std::set<std::int64_t> t;
  for (const Hit& h : truth) t.insert(h.id);
  std::size_t found = 0;
  for (const Hit& h : got) found += t.count(h.id);
  return truth.empty() ? 1.0 : double(found) / double(truth.size());
}

TEST(IndexSpec, ParsesDefaultsAndParameters) {
  EXPECT_EQ(parse_index_spec("flat").to_string(), "flat");
  EXPECT_EQ(parse_index_spec("hnsw").to_string(), "hnsw:M=32,efConstruction=128,efSearch=96,exactBelow=10000");
  const IndexSpec h = parse_index_spec("hnsw:M=16,efSearch=64");
  EXPECT_EQ(h.kind, IndexKind::kHnsw);
  EXPECT_EQ(h.m, 16);
  EXPECT_EQ(h.ef_search, 64);
  EXPECT_EQ(h.ef_construction, 128);
  EXPECT_EQ(parse_index_spec(h.to_string()), h);
  EXPECT_EQ(parse_index_spec("ivf:nlist=1024").to_string(), "ivf:nlist=1024,nprobe=32");
}

TEST(IndexSpec, RejectsWhatItDoesNotKnow) {
  for (const char* bad : {"", "hnsw:", "hnsw:M", "hnsw:M=", "hnsw:M=x", "hnsw:M=2", "hnsw:M=32,M=16",
                          "hnsw:nlist=4", "flat:M=4", "pq", "ivf:nlist=-1", "ivf:nlist=99999999999",
                          "hnsw:M=32,", "hnsw:=3"}) {
    try {
      parse_index_spec(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
      EXPECT_NE(std::string(e.what()).find("index spec"), std::string::npos) << e.what();
    }
  }
}

TEST(Metric, NamesRoundTrip) {
  for (Metric m : {Metric::kCosine, Metric::kInnerProduct, Metric::kL2}) {
    EXPECT_EQ(parse_metric(metric_name(m)), m);
  }
  EXPECT_EQ(parse_metric("dot"), Metric::kInnerProduct);
  EXPECT_THROW(parse_metric("hamming"), Error);
}

class FlatExact : public ::testing::TestWithParam<Metric> {};

TEST_P(FlatExact, EqualsBruteForceWithRemovalsReplacementsAndFilters) {
  const Metric metric = GetParam();
  const std::size_t dim = 24, n = 700, k = 12;
  std::vector<float> x = gaussian(n, dim, 3);
  std::vector<std::int64_t> ids = iota_ids(n, 1000);
  FlatIndex flat(dim, metric);
  flat.add(ids, x);
  // Replace every 7th vector and remove every 5th id, mirroring it in the oracle's arrays.
  const std::vector<float> fresh = gaussian(n, dim, 4);
  std::vector<std::int64_t> replaced;
  std::vector<float> replaced_rows;
  for (std::size_t r = 0; r < n; r += 7) {
    replaced.push_back(ids[r]);
    replaced_rows.insert(replaced_rows.end(), fresh.begin() + r * dim, fresh.begin() + (r + 1) * dim);
    std::copy(fresh.begin() + r * dim, fresh.begin() + (r + 1) * dim, x.begin() + r * dim);
  }
  flat.add(replaced, replaced_rows);
  std::vector<std::int64_t> removed;
  std::vector<float> kept_x;
  std::vector<std::int64_t> kept_ids;
  for (std::size_t r = 0; r < n; ++r) {
    if (r % 5 == 0) {
      removed.push_back(ids[r]);
    } else {
      kept_ids.push_back(ids[r]);
      kept_x.insert(kept_x.end(), x.begin() + r * dim, x.begin() + (r + 1) * dim);
    }
  }
  EXPECT_EQ(flat.remove(removed), removed.size());
  EXPECT_EQ(flat.remove(removed), 0u);
  ASSERT_EQ(flat.size(), kept_ids.size());
  EXPECT_EQ(flat.ids(), kept_ids);
  EXPECT_FALSE(flat.contains(ids[0]));

  std::set<std::int64_t> allowed_set;
  for (std::size_t i = 0; i < kept_ids.size(); i += 3) allowed_set.insert(kept_ids[i]);
  allowed_set.insert(ids[0]);  // removed: must never come back
  const std::vector<std::int64_t> allowed(allowed_set.begin(), allowed_set.end());

  const std::vector<float> queries = gaussian(40, dim, 5);
  for (std::size_t qi = 0; qi < 40; ++qi) {
    const std::span<const float> q(queries.data() + qi * dim, dim);
    for (const bool filtered : {false, true}) {
      SearchOptions opt;
      opt.k = k;
      if (filtered) opt.allowed = &allowed;
      const auto got = flat.search(q, opt);
      const auto want = naive(metric, q, kept_x, kept_ids, dim, k, filtered ? &allowed_set : nullptr);
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].id, want[i].id) << "query " << qi << " rank " << i;
        EXPECT_NEAR(got[i].score, want[i].score, 1e-4 * std::max(1.0f, std::fabs(want[i].score)));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Metrics, FlatExact,
                         ::testing::Values(Metric::kCosine, Metric::kInnerProduct, Metric::kL2));

TEST(FlatIndex, TiesBreakByLowerIdAndKBeyondSize) {
  FlatIndex flat(2, Metric::kInnerProduct);
  const std::vector<std::int64_t> ids = {9, 4, 7};
  const std::vector<float> x = {1, 0, 1, 0, 0, 1};
  flat.add(ids, x);
  SearchOptions opt;
  opt.k = 10;
  const std::vector<float> q = {1, 0};
  const auto hits = flat.search(q, opt);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, 4);
  EXPECT_EQ(hits[1].id, 9);
  EXPECT_EQ(hits[2].id, 7);
}

double mean_recall(const VectorIndex& index, const FlatIndex& flat, const std::vector<float>& queries,
                   std::size_t dim, std::size_t k, const std::vector<std::int64_t>* allowed = nullptr) {
  double sum = 0;
  const std::size_t nq = queries.size() / dim;
  for (std::size_t qi = 0; qi < nq; ++qi) {
    const std::span<const float> q(queries.data() + qi * dim, dim);
    SearchOptions opt;
    opt.k = k;
    opt.allowed = allowed;
    sum += recall_at(index.search(q, opt), flat.search(q, opt));
  }
  return sum / double(nq);
}

TEST(HnswIndex, RecallAgainstFlatAtDefaults) {
  const std::size_t dim = 64, n = 3000, k = 10;
  const std::vector<float> x = clustered(n, dim, 150, 11);
  const std::vector<float> queries = clustered(100, dim, 150, 11);  // same centres
  const std::vector<std::int64_t> ids = iota_ids(n);
  HnswIndex hnsw(parse_index_spec("hnsw:exactBelow=0"), dim, Metric::kCosine);  // the graph
  hnsw.set_build_threads(2);
  hnsw.add(ids, x);
  FlatIndex flat(dim, Metric::kCosine);
  flat.add(ids, x);
  EXPECT_GE(mean_recall(hnsw, flat, queries, dim, k), 0.95);
  // Exact mode is exact.
  SearchOptions opt;
  opt.k = k;
  opt.exact = true;
  const std::span<const float> q(queries.data(), dim);
  const auto a = hnsw.search(q, opt);
  const auto b = flat.search(q, opt);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
}

TEST(HnswIndex, RemovedAndReplacedIdsAndCompaction) {
  const std::size_t dim = 16, n = 1000;
  const std::vector<float> x = gaussian(n, dim, 21);
  const std::vector<std::int64_t> ids = iota_ids(n);
  HnswIndex hnsw(parse_index_spec("hnsw:M=16,exactBelow=0"), dim, Metric::kL2);
  hnsw.add(ids, x);
  FlatIndex flat(dim, Metric::kL2);
  flat.add(ids, x);
  // Remove a fifth: dead nodes, no compaction yet.
  std::vector<std::int64_t> gone;
  for (std::int64_t i = 0; i < 200; ++i) gone.push_back(i * 5);
  EXPECT_EQ(hnsw.remove(gone), 200u);
  flat.remove(gone);
  EXPECT_EQ(hnsw.n_dead(), 200u);
  EXPECT_EQ(hnsw.size(), 800u);
  // Replace 100 vectors: 100 more dead nodes crosses a quarter and compacts.
  std::vector<std::int64_t> moved;
  for (std::int64_t i = 0; i < 100; ++i) moved.push_back(i * 5 + 1);
  const std::vector<float> fresh = gaussian(100, dim, 22);
  hnsw.add(moved, fresh);
  flat.add(moved, fresh);
  EXPECT_EQ(hnsw.n_dead(), 0u);
  EXPECT_EQ(hnsw.size(), 800u);
  EXPECT_EQ(hnsw.ids(), flat.ids());
  std::vector<float> a(dim), b(dim);
  for (const std::int64_t id : flat.ids()) {
    ASSERT_TRUE(hnsw.reconstruct(id, a));
    ASSERT_TRUE(flat.reconstruct(id, b));
    EXPECT_EQ(a, b) << id;
  }
  const std::vector<float> queries = gaussian(50, dim, 23);
  EXPECT_GE(mean_recall(hnsw, flat, queries, dim, 10), 0.95);
  for (std::size_t qi = 0; qi < 50; ++qi) {
    SearchOptions opt;
    opt.k = 50;
    for (const Hit& h : hnsw.search({queries.data() + qi * dim, dim}, opt)) {
      EXPECT_TRUE(flat.contains(h.id)) << h.id;
    }
  }
}

TEST(HnswIndex, AllowedSetsSmallAndLarge) {
  const std::size_t dim = 32, n = 3000;
  const std::vector<float> x = clustered(n, dim, 60, 31);
  const std::vector<std::int64_t> ids = iota_ids(n);
  HnswIndex hnsw(parse_index_spec("hnsw:exactBelow=0"), dim, Metric::kCosine);
  hnsw.add(ids, x);
  FlatIndex flat(dim, Metric::kCosine);
  flat.add(ids, x);
  const std::vector<float> queries = clustered(30, dim, 60, 31);
  std::vector<std::int64_t> few, half;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    if (i % 97 == 0) few.push_back(i);
    if (i % 2 == 0) half.push_back(i);
  }
  // A small set is scored exactly; a large one filters the graph.
  EXPECT_EQ(mean_recall(hnsw, flat, queries, dim, 10, &few), 1.0);
  EXPECT_GE(mean_recall(hnsw, flat, queries, dim, 10, &half), 0.95);
  for (std::size_t qi = 0; qi < 30; ++qi) {
    SearchOptions opt;
    opt.k = 10;
    opt.allowed = &half;
    for (const Hit& h : hnsw.search({queries.data() + qi * dim, dim}, opt)) EXPECT_EQ(h.id % 2, 0);
  }
}

TEST(IvfIndex, ExactBeforeTrainingThenRecallAfter) {
  const std::size_t dim = 32, k = 10;
  const IndexSpec spec = parse_index_spec("ivf:nlist=16,nprobe=4");
  IvfIndex ivf(spec, dim, Metric::kInnerProduct);
  FlatIndex flat(dim, Metric::kInnerProduct);
  const std::vector<float> x = clustered(2000, dim, 40, 41);
  const std::vector<float> queries = clustered(50, dim, 40, 41);
  // 400 vectors: below 39 per list, still exact.
  ivf.add(iota_ids(400), {x.data(), 400 * dim});
  flat.add(iota_ids(400), {x.data(), 400 * dim});
  EXPECT_FALSE(ivf.trained());
  EXPECT_EQ(mean_recall(ivf, flat, queries, dim, k), 1.0);
  // The rest: trained, approximate, still good.
  ivf.add(iota_ids(1600, 400), {x.data() + 400 * dim, 1600 * dim});
  flat.add(iota_ids(1600, 400), {x.data() + 400 * dim, 1600 * dim});
  EXPECT_TRUE(ivf.trained());
  EXPECT_EQ(ivf.size(), 2000u);
  EXPECT_GE(mean_recall(ivf, flat, queries, dim, k), 0.9);
  // Removal and replacement through FAISS's id table.
  std::vector<std::int64_t> gone = {0, 1, 2, 1999};
  EXPECT_EQ(ivf.remove(gone), 4u);
  flat.remove(gone);
  EXPECT_FALSE(ivf.contains(1999));
  const std::vector<float> fresh = gaussian(1, dim, 42);
  const std::vector<std::int64_t> one = {5};
  ivf.add(one, fresh);
  flat.add(one, fresh);
  EXPECT_EQ(ivf.ids(), flat.ids());
  std::vector<float> a(dim);
  ASSERT_TRUE(ivf.reconstruct(5, a));
  EXPECT_EQ(a, fresh);
  // Exact mode visits every list.
  SearchOptions opt;
  opt.k = k;
  opt.exact = true;
  for (std::size_t qi = 0; qi < 10; ++qi) {
    const std::span<const float> q(queries.data() + qi * dim, dim);
    const auto got = ivf.search(q, opt);
    const auto want = flat.search(q, opt);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].id, want[i].id);
  }
}

TEST(VectorIndex, SaveAndLoadGiveTheSameAnswers) {
  const std::size_t dim = 16;
  const std::vector<float> x = clustered(1500, dim, 30, 51);
  const std::vector<float> queries = gaussian(20, dim, 52);
  for (const char* spec_text : {"flat", "hnsw:M=8,exactBelow=0", "ivf:nlist=8", "ivf:nlist=64"}) {
    const IndexSpec spec = parse_index_spec(spec_text);
    auto index = make_vector_index(spec, dim, Metric::kCosine);
    index->add(iota_ids(1500), x);
    const std::vector<std::int64_t> gone = {3, 4, 5};
    index->remove(gone);
    const std::string bytes = index->save();
    auto loaded = load_vector_index(bytes, "test.idx");
    EXPECT_EQ(loaded->spec(), spec) << spec_text;
    EXPECT_EQ(loaded->size(), index->size());
    EXPECT_EQ(loaded->ids(), index->ids());
    for (std::size_t qi = 0; qi < 20; ++qi) {
      SearchOptions opt;
      opt.k = 10;
      const std::span<const float> q(queries.data() + qi * dim, dim);
      const auto a = index->search(q, opt);
      const auto b = loaded->search(q, opt);
      ASSERT_EQ(a.size(), b.size()) << spec_text;
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].id, b[i].id) << spec_text;
        EXPECT_EQ(a[i].score, b[i].score) << spec_text;
      }
    }
    // Truncations of our own framing are clean errors.
    for (const std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{20}, std::size_t{40}}) {
      EXPECT_THROW(load_vector_index(std::string_view(bytes).substr(0, cut), "cut.idx"), Error);
    }
  }
}

}  // namespace
}  // namespace molt::index

namespace molt::index {
namespace {

TEST(VectorCodec, Int8KeepsEachComponentWithinHalfAStep) {
  const std::vector<float> v = gaussian(1, 384, 61);
  for (const VectorStorage storage : {VectorStorage::kF32, VectorStorage::kInt8}) {
    std::string blob;
    encode_vector(storage, v, blob);
    EXPECT_EQ(blob.size(), encoded_size(storage, v.size()));
    std::vector<float> back(v.size());
    decode_vector(storage, std::as_bytes(std::span<const char>(blob.data(), blob.size())), back);
    float max_abs = 0;
    for (const float x : v) max_abs = std::max(max_abs, std::fabs(x));
    const float step = storage == VectorStorage::kInt8 ? max_abs / 127.0f : 0.0f;
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      EXPECT_LE(std::fabs(back[i] - v[i]), step / 2 + 1e-6f) << i;
      dot += double(v[i]) * back[i];
      na += double(v[i]) * v[i];
      nb += double(back[i]) * back[i];
    }
    EXPECT_GE(dot / std::sqrt(na * nb), storage == VectorStorage::kInt8 ? 0.9999 : 1.0 - 1e-12);
  }
  // A blob of the wrong size is refused, never read past.
  std::vector<float> out(4);
  const std::byte three[3] = {};
  EXPECT_THROW(decode_vector(VectorStorage::kInt8, three, out), Error);
  std::string zero;
  encode_vector(VectorStorage::kInt8, std::vector<float>(4, 0.0f), zero);
  decode_vector(VectorStorage::kInt8, std::as_bytes(std::span<const char>(zero.data(), zero.size())), out);
  EXPECT_EQ(out, std::vector<float>(4, 0.0f));
}

}  // namespace
}  // namespace molt::index

namespace molt::index {
namespace {

TEST(HnswIndex, BuildsItsGraphOnlyOnceItReachesExactBelow) {
  const std::size_t dim = 16;
  const std::vector<float> x = clustered(300, dim, 20, 71);
  HnswIndex hnsw(parse_index_spec("hnsw:M=8,exactBelow=200"), dim, Metric::kCosine);
  FlatIndex flat(dim, Metric::kCosine);
  hnsw.add(iota_ids(150), {x.data(), 150 * dim});
  flat.add(iota_ids(150), {x.data(), 150 * dim});
  EXPECT_FALSE(hnsw.graph_built());
  const std::vector<std::int64_t> gone = {3, 4};
  EXPECT_EQ(hnsw.remove(gone), 2u);
  flat.remove(gone);
  // Not built: saved and loaded as it is, and exact.
  auto reloaded = load_vector_index(hnsw.save(), "pending.idx");
  EXPECT_EQ(reloaded->ids(), flat.ids());
  const std::vector<float> queries = gaussian(10, dim, 72);
  EXPECT_EQ(mean_recall(hnsw, flat, queries, dim, 10), 1.0);
  EXPECT_EQ(mean_recall(*reloaded, flat, queries, dim, 10), 1.0);
  // Crossing exactBelow builds the graph from every vector held.
  hnsw.add(iota_ids(150, 150), {x.data() + 150 * dim, 150 * dim});
  flat.add(iota_ids(150, 150), {x.data() + 150 * dim, 150 * dim});
  EXPECT_TRUE(hnsw.graph_built());
  EXPECT_EQ(hnsw.size(), 298u);
  EXPECT_EQ(hnsw.ids(), flat.ids());
  std::vector<float> a(dim), b(dim);
  for (const std::int64_t id : flat.ids()) {
    ASSERT_TRUE(hnsw.reconstruct(id, a));
    flat.reconstruct(id, b);
    EXPECT_EQ(a, b);
  }
  EXPECT_GE(mean_recall(hnsw, flat, queries, dim, 10), 0.95);
  EXPECT_TRUE(dynamic_cast<HnswIndex&>(*load_vector_index(hnsw.save(), "built.idx")).graph_built());
}

}  // namespace
}  // namespace molt::index

namespace molt::index {
namespace {

// A per-query candidate list takes effect (FAISS 1.7.3's own search ignores one).
TEST(HnswIndex, PerQueryEfSearchWidensTheSearch) {
  const std::size_t dim = 32, n = 4000;
  const std::vector<float> x = clustered(n, dim, 200, 81);
  const std::vector<float> queries = gaussian(60, dim, 82);  // off the data: a hard case
  HnswIndex hnsw(parse_index_spec("hnsw:M=8,efConstruction=32,efSearch=10,exactBelow=0"), dim, Metric::kCosine);
  hnsw.add(iota_ids(n), x);
  FlatIndex flat(dim, Metric::kCosine);
  flat.add(iota_ids(n), x);
  auto recall = [&](int ef) {
    double found = 0;
    for (std::size_t qi = 0; qi < 60; ++qi) {
      SearchOptions o;
      o.k = 10;
      o.ef_search = ef;
      const std::span<const float> q(queries.data() + qi * dim, dim);
      found += recall_at(hnsw.search(q, o), flat.search(q, o));
    }
    return found / 60;
  };
  const double narrow = recall(10), wide = recall(400);
  EXPECT_GT(wide, narrow + 0.05) << narrow << " -> " << wide;
  EXPECT_GE(wide, 0.99);
}

}  // namespace
}  // namespace molt::index
