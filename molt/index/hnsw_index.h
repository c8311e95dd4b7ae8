// HnswIndex: approximate search on a FAISS HNSW graph (IndexHNSWFlat: full f32 vectors in
// a flat storage beside the graph). FAISS graphs cannot delete, so a removed or replaced id
// leaves a dead node that searches skip (as hnswlib marks deletions); once a quarter of the
// nodes are dead the graph is rebuilt from the live vectors.
// Below the spec's exactBelow vectors every search scans them all, so the graph is only
// built once the index reaches that size (until then a FlatIndex holds the vectors). Exact
// searches of a built graph (SearchOptions::exact, a small allowed set) scan its storage.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "molt/formats/byte_reader.h"
#include "molt/index/flat_index.h"
#include "molt/index/vector_index.h"

namespace faiss {
struct IndexHNSWFlat;
}

namespace molt::index {

class HnswIndex final : public VectorIndex {
 public:
  HnswIndex(const IndexSpec& spec, std::size_t dim, Metric metric);
  ~HnswIndex() override;

  const IndexSpec& spec() const override { return spec_; }
  std::size_t dim() const override { return dim_; }
  Metric metric() const override { return metric_; }
  std::size_t size() const override { return graph_built() ? rows_.size() : pending_.size(); }

  void add(std::span<const std::int64_t> ids, std::span<const float> vectors) override;
  std::size_t remove(std::span<const std::int64_t> ids) override;
  bool contains(std::int64_t id) const override {
    return graph_built() ? rows_.count(id) != 0 : pending_.contains(id);
  }
  std::vector<std::int64_t> ids() const override;
  bool reconstruct(std::int64_t id, std::span<float> out) const override;
  std::vector<Hit> search(std::span<const float> query, const SearchOptions& options) const override;
  std::string save() const override;

  static std::unique_ptr<HnswIndex> load_payload(formats::ByteReader& in, const IndexSpec& spec,
                                                 std::size_t dim, Metric metric);

  std::size_t n_dead() const { return n_dead_; }
  bool graph_built() const { return hnsw_ != nullptr; }

 private:
  const float* storage() const;
  void build_graph(std::span<const std::int64_t> ids, std::span<const float> rows);
  void compact_if_needed();
  std::vector<Hit> exact(std::span<const float> q, const SearchOptions& options) const;

  IndexSpec spec_;
  std::size_t dim_;
  Metric metric_;
  FlatIndex pending_;  // every vector, until the graph is built
  std::unique_ptr<faiss::IndexHNSWFlat> hnsw_;  // null until the index reaches exactBelow
  std::vector<std::int64_t> labels_;                // graph node -> id; -1 for a dead node
  std::unordered_map<std::int64_t, std::int64_t> rows_;  // id -> live graph node
  std::size_t n_dead_ = 0;
};

}  // namespace molt::index
