// FlatIndex: exact search by scanning every vector, the oracle of every approximate index.
// Vectors are kept contiguous (f32 [size, dim]); removing one moves the last row into its
// place, so memory stays compact under churn.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "molt/formats/byte_reader.h"
#include "molt/index/vector_index.h"

namespace molt::index {

class FlatIndex final : public VectorIndex {
 public:
  FlatIndex(std::size_t dim, Metric metric);

  const IndexSpec& spec() const override { return spec_; }
  std::size_t dim() const override { return dim_; }
  Metric metric() const override { return metric_; }
  std::size_t size() const override { return ids_.size(); }

  void add(std::span<const std::int64_t> ids, std::span<const float> vectors) override;
  std::size_t remove(std::span<const std::int64_t> ids) override;
  bool contains(std::int64_t id) const override { return rows_.count(id) != 0; }
  std::vector<std::int64_t> ids() const override;
  bool reconstruct(std::int64_t id, std::span<float> out) const override;
  std::vector<Hit> search(std::span<const float> query, const SearchOptions& options) const override;
  std::string save() const override;

  // The rows as stored: data() f32 [size(), dim] (normalized for cosine), row_ids() [size()].
  const float* data() const { return data_.data(); }
  std::span<const std::int64_t> row_ids() const { return ids_; }

  // Restores the payload save() wrote after the common header (vector_index.cpp).
  static std::unique_ptr<FlatIndex> load_payload(formats::ByteReader& in, std::size_t dim,
                                                 Metric metric);

 private:
  IndexSpec spec_;
  std::size_t dim_;
  Metric metric_;
  std::vector<float> data_;                         // f32 [size, dim]
  std::vector<std::int64_t> ids_;                   // row -> id
  std::unordered_map<std::int64_t, std::size_t> rows_;  // id -> row
};

}  // namespace molt::index
