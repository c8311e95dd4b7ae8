#include "molt/index/hnsw_index.h"

#include <algorithm>
#include <cstring>
#include <queue>
#include <utility>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/index/faiss_support.h"
#include "molt/index/index_io.h"
#include "molt/index/row_scan.h"
#include "molt/index/vector_math.h"

namespace molt::index {
namespace {

std::unique_ptr<faiss::IndexHNSWFlat> new_graph(const IndexSpec& spec, std::size_t dim, Metric metric) {
  auto g = std::make_unique<faiss::IndexHNSWFlat>(static_cast<int>(dim), spec.m, faiss_metric(metric));
  g->hnsw.efConstruction = spec.ef_construction;
  g->hnsw.efSearch = spec.ef_search;
  return g;
}

// Best-first search of one query through a graph FAISS built: greedy descent through the
// upper levels, then a beam of `ef` candidates on level 0, as hnswlib and FAISS search.
// molt searches FAISS's graph itself because FAISS 1.7.3 ignores a per-query efSearch
// (SearchParametersHNSW) and reads the index's own, which concurrent searches could not
// change safely. Every node routes the search; only admitted ones (live, and allowed) are
// results, and while fewer than ef have been found the search keeps expanding, so a filter
// costs more work rather than fewer results. distance(node): smaller is nearer.
// Returns up to k (distance, node) pairs, nearest first.
template <class Distance, class Admit>
std::vector<std::pair<float, std::int64_t>> search_graph(const faiss::HNSW& graph, std::size_t n_nodes,
                                                         const Distance& distance, const Admit& admit,
                                                         std::size_t k, std::size_t ef) {
  using Node = std::pair<float, std::int64_t>;
  if (n_nodes == 0 || graph.entry_point < 0) return {};
  std::int64_t current = graph.entry_point;
  float current_distance = distance(current);
  for (int level = graph.max_level; level > 0; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      std::size_t begin = 0, end = 0;
      graph.neighbor_range(current, level, &begin, &end);
      for (std::size_t i = begin; i < end; ++i) {
        const std::int64_t next = graph.neighbors[i];
        if (next < 0) break;
        const float d = distance(next);
        if (d < current_distance) {
          current = next;
          current_distance = d;
          moved = true;
        }
      }
    }
  }
  std::vector<bool> visited(n_nodes, false);
  std::priority_queue<Node, std::vector<Node>, std::greater<>> candidates;  // nearest on top
  std::priority_queue<Node> results;                                       // farthest on top
  candidates.emplace(current_distance, current);
  visited[static_cast<std::size_t>(current)] = true;
  if (admit(current)) results.emplace(current_distance, current);
  while (!candidates.empty()) {
    const auto [d, node] = candidates.top();
    if (results.size() >= ef && d > results.top().first) break;
    candidates.pop();
    std::size_t begin = 0, end = 0;
    graph.neighbor_range(node, 0, &begin, &end);
    for (std::size_t i = begin; i < end; ++i) {
      const std::int64_t next = graph.neighbors[i];
      if (next < 0) break;
      if (visited[static_cast<std::size_t>(next)]) continue;
      visited[static_cast<std::size_t>(next)] = true;
      const float dn = distance(next);
      if (results.size() < ef || dn < results.top().first) {
        candidates.emplace(dn, next);
        if (admit(next)) {
          results.emplace(dn, next);
          if (results.size() > ef) results.pop();
        }
      }
    }
  }
  std::vector<Node> out;
  while (!results.empty()) {
    out.push_back(results.top());
    results.pop();
  }
  std::reverse(out.begin(), out.end());
  if (out.size() > k) out.resize(k);
  return out;
}

}  // namespace

HnswIndex::HnswIndex(const IndexSpec& spec, std::size_t dim, Metric metric)
    : spec_(spec), dim_(dim), metric_(metric), pending_(dim, metric) {
  MOLT_CHECK(spec.kind == IndexKind::kHnsw && dim > 0);
}

HnswIndex::~HnswIndex() = default;

const float* HnswIndex::storage() const {
  return static_cast<const faiss::IndexFlat*>(hnsw_->storage)->get_xb();
}

void HnswIndex::add(std::span<const std::int64_t> ids, std::span<const float> vectors) {
  MOLT_CHECK(vectors.size() == ids.size() * dim_);
  if (ids.empty()) return;
  if (!graph_built()) {
    pending_.add(ids, vectors);
    if (pending_.size() >= static_cast<std::size_t>(spec_.exact_below)) {
      // The pending rows are already normalized for cosine; normalizing again is a no-op.
      build_graph(pending_.row_ids(), {pending_.data(), pending_.size() * dim_});
      pending_ = FlatIndex(dim_, metric_);
    }
    return;
  }
  std::vector<float> rows(vectors.begin(), vectors.end());
  if (metric_ == Metric::kCosine) {
    for (std::size_t i = 0; i < ids.size(); ++i) normalize({rows.data() + i * dim_, dim_});
  }
  const auto first = static_cast<std::int64_t>(labels_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MOLT_CHECK(ids[i] >= 0);
    const auto it = rows_.find(ids[i]);
    if (it != rows_.end()) {
      MOLT_CHECK(it->second < first);  // ids are unique within one call
      labels_[static_cast<std::size_t>(it->second)] = -1;
      ++n_dead_;
      it->second = first + static_cast<std::int64_t>(i);
    } else {
      rows_.emplace(ids[i], first + static_cast<std::int64_t>(i));
    }
    labels_.push_back(ids[i]);
  }
  ScopedOmpThreads threads(build_threads());
  call_faiss("adding to an HNSW index",
             [&] { hnsw_->add(static_cast<faiss::Index::idx_t>(ids.size()), rows.data()); });
  compact_if_needed();
}

void HnswIndex::build_graph(std::span<const std::int64_t> ids, std::span<const float> rows) {
  auto graph = new_graph(spec_, dim_, metric_);
  ScopedOmpThreads threads(build_threads());
  call_faiss("building an HNSW index",
             [&] { graph->add(static_cast<faiss::Index::idx_t>(ids.size()), rows.data()); });
  hnsw_ = std::move(graph);
  labels_.assign(ids.begin(), ids.end());
  rows_.clear();
  for (std::size_t node = 0; node < labels_.size(); ++node) {
    rows_.emplace(labels_[node], static_cast<std::int64_t>(node));
  }
  n_dead_ = 0;
}

std::size_t HnswIndex::remove(std::span<const std::int64_t> ids) {
  if (!graph_built()) return pending_.remove(ids);
  std::size_t removed = 0;
  for (const std::int64_t id : ids) {
    const auto it = rows_.find(id);
    if (it == rows_.end()) continue;
    labels_[static_cast<std::size_t>(it->second)] = -1;
    rows_.erase(it);
    ++n_dead_;
    ++removed;
  }
  compact_if_needed();
  return removed;
}

void HnswIndex::compact_if_needed() {
  // Dead nodes still route searches, so a few are harmless; past a quarter they cost
  // memory and recall, and a rebuild (n log n) is amortized over as many removals.
  if (n_dead_ < 64 || n_dead_ * 4 < labels_.size()) return;
  std::vector<std::int64_t> live_ids;
  std::vector<float> live;
  live_ids.reserve(rows_.size());
  live.reserve(rows_.size() * dim_);
  const float* data = storage();
  for (std::size_t node = 0; node < labels_.size(); ++node) {
    if (labels_[node] < 0) continue;
    live_ids.push_back(labels_[node]);
    live.insert(live.end(), data + node * dim_, data + (node + 1) * dim_);
  }
  build_graph(live_ids, live);
}

std::vector<std::int64_t> HnswIndex::ids() const {
  if (!graph_built()) return pending_.ids();
  std::vector<std::int64_t> out;
  out.reserve(rows_.size());
  for (const auto& [id, node] : rows_) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

bool HnswIndex::reconstruct(std::int64_t id, std::span<float> out) const {
  MOLT_CHECK(out.size() == dim_);
  if (!graph_built()) return pending_.reconstruct(id, out);
  const auto it = rows_.find(id);
  if (it == rows_.end()) return false;
  std::memcpy(out.data(), storage() + static_cast<std::size_t>(it->second) * dim_, dim_ * sizeof(float));
  return true;
}

std::vector<Hit> HnswIndex::exact(std::span<const float> q, const SearchOptions& options) const {
  if (options.allowed == nullptr) return scan_all_rows(metric_, q, storage(), labels_, options.k);
  std::vector<RowRef> refs;
  refs.reserve(std::min(options.allowed->size(), rows_.size()));
  for (const std::int64_t id : *options.allowed) {
    const auto it = rows_.find(id);
    if (it != rows_.end()) refs.push_back({static_cast<std::size_t>(it->second), id});
  }
  return scan_some_rows(metric_, q, storage(), refs, options.k);
}

std::vector<Hit> HnswIndex::search(std::span<const float> query, const SearchOptions& options) const {
  MOLT_CHECK(query.size() == dim_);
  if (!graph_built()) return pending_.search(query, options);
  const std::vector<float> q = prepare_query(metric_, query);
  const std::size_t n_live = rows_.size();
  const std::size_t n_allowed = options.allowed == nullptr ? n_live : options.allowed->size();
  const std::size_t want = std::min(options.k, std::min(n_allowed, n_live));
  if (want == 0) return {};
  if (options.exact || n_live < static_cast<std::size_t>(spec_.exact_below) ||
      (options.allowed != nullptr && prefer_exact_for_allowed(n_allowed, n_live))) {
    return exact(q, options);
  }

  // Dead and filtered-out nodes route the search but never fill the candidate list (see
  // search_graph), so a filter needs no larger list.
  const int ef = std::max(options.ef_search > 0 ? options.ef_search : spec_.ef_search, static_cast<int>(options.k));
  const float* data = storage();
  auto distance = [&](std::int64_t node) {
    const float* x = data + static_cast<std::size_t>(node) * dim_;
    return metric_ == Metric::kL2 ? l2_squared(q.data(), x, dim_) : -dot(q.data(), x, dim_);
  };
  auto admit = [&](std::int64_t node) {
    const std::int64_t id = labels_[static_cast<std::size_t>(node)];
    return id >= 0 && (options.allowed == nullptr ||
                       std::binary_search(options.allowed->begin(), options.allowed->end(), id));
  };
  const auto found = search_graph(hnsw_->hnsw, labels_.size(), distance, admit, options.k, static_cast<std::size_t>(ef));
  std::vector<Hit> hits;
  hits.reserve(found.size());
  for (const auto& [d, node] : found) hits.push_back({labels_[static_cast<std::size_t>(node)], -d});
  // The graph found fewer than it could have (a filter cut the candidate lists short):
  // answer exactly rather than return fewer than k.
  if (hits.size() < want) return exact(q, options);
  std::sort(hits.begin(), hits.end(), ranks_before);
  return hits;
}

std::string HnswIndex::save() const {
  std::string out;
  put_index_header(out, spec_, dim_, metric_);
  put<std::uint8_t>(out, graph_built() ? 1 : 0);
  if (!graph_built()) {
    put_string(out, pending_.save());
    return out;
  }
  put_array<std::int64_t>(out, labels_);
  put_string(out, write_faiss_bytes(*hnsw_));
  return out;
}

std::unique_ptr<HnswIndex> HnswIndex::load_payload(formats::ByteReader& in, const IndexSpec& spec,
                                                   std::size_t dim, Metric metric) {
  auto index = std::make_unique<HnswIndex>(spec, dim, metric);
  const std::uint8_t built = in.u8("built");
  if (built == 0) {
    std::unique_ptr<VectorIndex> flat = load_vector_index(get_string(in, "pending"), in.source());
    auto* pending = dynamic_cast<FlatIndex*>(flat.get());
    if (pending == nullptr || pending->dim() != dim || pending->metric() != metric) {
      in.fail("the pending vectors do not match the header", "pending");
    }
    index->pending_ = std::move(*pending);
    return index;
  }
  if (built != 1) in.fail("built flag must be 0 or 1", "built");
  index->labels_ = get_array<std::int64_t>(in, "labels");
  const std::string graph_bytes = get_string(in, "graph");
  std::unique_ptr<faiss::Index> loaded = read_faiss_bytes(graph_bytes, in.source());
  auto* graph = dynamic_cast<faiss::IndexHNSWFlat*>(loaded.get());
  if (graph == nullptr || static_cast<std::size_t>(graph->d) != dim ||
      graph->metric_type != faiss_metric(metric) ||
      static_cast<std::size_t>(graph->ntotal) != index->labels_.size()) {
    in.fail("the HNSW graph does not match its header", "graph");
  }
  loaded.release();
  index->hnsw_.reset(graph);
  index->hnsw_->hnsw.efSearch = spec.ef_search;
  for (std::size_t node = 0; node < index->labels_.size(); ++node) {
    const std::int64_t id = index->labels_[node];
    if (id < 0) {
      ++index->n_dead_;
    } else if (!index->rows_.emplace(id, static_cast<std::int64_t>(node)).second) {
      in.fail("id " + std::to_string(id) + " is live twice", "labels");
    }
  }
  return index;
}

}  // namespace molt::index
