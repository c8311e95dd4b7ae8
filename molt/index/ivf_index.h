// IvfIndex: approximate search on FAISS inverted lists (IndexIVFFlat: k-means cells over
// full f32 vectors; a query visits the nprobe nearest cells). Lists need training data, so
// until 39 vectors per list have arrived (FAISS's minimum for k-means) the index keeps them
// in a FlatIndex and answers exactly; then it trains on them and moves them into the
// lists. Removal and replacement go through FAISS's id hashtable (remove_ids).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "molt/formats/byte_reader.h"
#include "molt/index/flat_index.h"
#include "molt/index/vector_index.h"

namespace faiss {
struct IndexIVFFlat;
struct IndexFlat;
}

namespace molt::index {

class IvfIndex final : public VectorIndex {
 public:
  IvfIndex(const IndexSpec& spec, std::size_t dim, Metric metric);
  ~IvfIndex() override;

  const IndexSpec& spec() const override { return spec_; }
  std::size_t dim() const override { return dim_; }
  Metric metric() const override { return metric_; }
  std::size_t size() const override;

  void add(std::span<const std::int64_t> ids, std::span<const float> vectors) override;
  std::size_t remove(std::span<const std::int64_t> ids) override;
  bool contains(std::int64_t id) const override;
  std::vector<std::int64_t> ids() const override;
  bool reconstruct(std::int64_t id, std::span<float> out) const override;
  std::vector<Hit> search(std::span<const float> query, const SearchOptions& options) const override;
  std::string save() const override;

  static std::unique_ptr<IvfIndex> load_payload(formats::ByteReader& in, const IndexSpec& spec,
                                                std::size_t dim, Metric metric);

  bool trained() const { return ivf_ != nullptr; }
  std::size_t training_threshold() const;

 private:
  void train_from_pending();
  std::vector<Hit> ivf_search(std::span<const float> q, const SearchOptions& options, int nprobe) const;

  IndexSpec spec_;
  std::size_t dim_;
  Metric metric_;
  FlatIndex pending_;  // before training: every vector (normalized for cosine)
  std::unique_ptr<faiss::IndexIVFFlat> ivf_;  // after training: every vector
};

}  // namespace molt::index
