#include "molt/index/flat_index.h"

#include <algorithm>
#include <cstring>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/index/index_io.h"
#include "molt/index/row_scan.h"
#include "molt/index/vector_math.h"

namespace molt::index {

FlatIndex::FlatIndex(std::size_t dim, Metric metric) : dim_(dim), metric_(metric) {
  MOLT_CHECK(dim > 0);
  spec_.kind = IndexKind::kFlat;
}

void FlatIndex::add(std::span<const std::int64_t> ids, std::span<const float> vectors) {
  MOLT_CHECK(vectors.size() == ids.size() * dim_);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MOLT_CHECK(ids[i] >= 0);
    const float* src = vectors.data() + i * dim_;
    std::size_t row;
    const auto it = rows_.find(ids[i]);
    if (it != rows_.end()) {
      row = it->second;
    } else {
      row = ids_.size();
      ids_.push_back(ids[i]);
      data_.resize(data_.size() + dim_);
      rows_.emplace(ids[i], row);
    }
    const std::span<float> dst(data_.data() + row * dim_, dim_);
    std::memcpy(dst.data(), src, dim_ * sizeof(float));
    if (metric_ == Metric::kCosine) normalize(dst);
  }
}

std::size_t FlatIndex::remove(std::span<const std::int64_t> ids) {
  std::size_t removed = 0;
  for (const std::int64_t id : ids) {
    const auto it = rows_.find(id);
    if (it == rows_.end()) continue;
    const std::size_t row = it->second;
    const std::size_t last = ids_.size() - 1;
    rows_.erase(it);
    if (row != last) {
      std::memcpy(data_.data() + row * dim_, data_.data() + last * dim_, dim_ * sizeof(float));
      ids_[row] = ids_[last];
      rows_[ids_[row]] = row;
    }
    ids_.pop_back();
    data_.resize(ids_.size() * dim_);
    ++removed;
  }
  return removed;
}

std::vector<std::int64_t> FlatIndex::ids() const {
  std::vector<std::int64_t> out = ids_;
  std::sort(out.begin(), out.end());
  return out;
}

bool FlatIndex::reconstruct(std::int64_t id, std::span<float> out) const {
  MOLT_CHECK(out.size() == dim_);
  const auto it = rows_.find(id);
  if (it == rows_.end()) return false;
  std::memcpy(out.data(), data_.data() + it->second * dim_, dim_ * sizeof(float));
  return true;
}

std::vector<Hit> FlatIndex::search(std::span<const float> query, const SearchOptions& options) const {
  MOLT_CHECK(query.size() == dim_);
  const std::vector<float> q = prepare_query(metric_, query);
  if (options.allowed == nullptr) return scan_all_rows(metric_, q, data_.data(), ids_, options.k);
  std::vector<RowRef> refs;
  refs.reserve(std::min(options.allowed->size(), ids_.size()));
  for (const std::int64_t id : *options.allowed) {
    const auto it = rows_.find(id);
    if (it != rows_.end()) refs.push_back({it->second, id});
  }
  return scan_some_rows(metric_, q, data_.data(), refs, options.k);
}

std::string FlatIndex::save() const {
  std::string out;
  put_index_header(out, spec_, dim_, metric_);
  put_array<std::int64_t>(out, ids_);
  put_array<float>(out, data_);
  return out;
}

std::unique_ptr<FlatIndex> FlatIndex::load_payload(formats::ByteReader& in, std::size_t dim,
                                                   Metric metric) {
  auto index = std::make_unique<FlatIndex>(dim, metric);
  index->ids_ = get_array<std::int64_t>(in, "ids");
  index->data_ = get_array<float>(in, "vectors");
  if (index->data_.size() != index->ids_.size() * dim) in.fail("vector count does not match ids", "vectors");
  for (std::size_t r = 0; r < index->ids_.size(); ++r) {
    if (index->ids_[r] < 0 || !index->rows_.emplace(index->ids_[r], r).second) {
      in.fail("id " + std::to_string(index->ids_[r]) + " is negative or repeated", "ids");
    }
  }
  return index;
}

}  // namespace molt::index
