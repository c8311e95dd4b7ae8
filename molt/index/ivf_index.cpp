#include "molt/index/ivf_index.h"

#include <algorithm>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/IDSelector.h>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/index/faiss_support.h"
#include "molt/index/index_io.h"
#include "molt/index/row_scan.h"
#include "molt/index/vector_math.h"

namespace molt::index {
namespace {

// Admits the ids of a sorted allowed set.
class AllowedIds final : public faiss::IDSelector {
 public:
  explicit AllowedIds(const std::vector<std::int64_t>& allowed) : allowed_(allowed) {}
  bool is_member(idx_t id) const override {
    return std::binary_search(allowed_.begin(), allowed_.end(), static_cast<std::int64_t>(id));
  }

 private:
  const std::vector<std::int64_t>& allowed_;
};

constexpr std::size_t kMinPointsPerList = 39;  // FAISS's Clustering::min_points_per_centroid

}  // namespace

IvfIndex::IvfIndex(const IndexSpec& spec, std::size_t dim, Metric metric)
    : spec_(spec), dim_(dim), metric_(metric), pending_(dim, metric) {
  MOLT_CHECK(spec.kind == IndexKind::kIvf && dim > 0);
}

IvfIndex::~IvfIndex() = default;

std::size_t IvfIndex::training_threshold() const {
  return kMinPointsPerList * static_cast<std::size_t>(spec_.nlist);
}

std::size_t IvfIndex::size() const {
  return ivf_ ? static_cast<std::size_t>(ivf_->ntotal) : pending_.size();
}

bool IvfIndex::contains(std::int64_t id) const {
  return ivf_ ? ivf_->direct_map.hashtable.count(id) != 0 : pending_.contains(id);
}

void IvfIndex::add(std::span<const std::int64_t> ids, std::span<const float> vectors) {
  MOLT_CHECK(vectors.size() == ids.size() * dim_);
  if (ids.empty()) return;
  if (!ivf_) {
    pending_.add(ids, vectors);
    if (pending_.size() >= training_threshold()) train_from_pending();
    return;
  }
  remove(ids);
  std::vector<float> rows(vectors.begin(), vectors.end());
  if (metric_ == Metric::kCosine) {
    for (std::size_t i = 0; i < ids.size(); ++i) normalize({rows.data() + i * dim_, dim_});
  }
  ScopedOmpThreads threads(build_threads());
  call_faiss("adding to an IVF index", [&] {
    ivf_->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), rows.data(), ids.data());
  });
}

void IvfIndex::train_from_pending() {
  const auto n = static_cast<faiss::Index::idx_t>(pending_.size());
  auto* quantizer = new faiss::IndexFlat(static_cast<int>(dim_), faiss_metric(metric_));
  auto ivf = std::make_unique<faiss::IndexIVFFlat>(quantizer, dim_, static_cast<std::size_t>(spec_.nlist),
                                                   faiss_metric(metric_));
  ivf->own_fields = true;
  ivf->nprobe = static_cast<std::size_t>(spec_.nprobe);
  ScopedOmpThreads threads(build_threads());
  call_faiss("training an IVF index", [&] {
    ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
    ivf->train(n, pending_.data());
    ivf->add_with_ids(n, pending_.data(), pending_.row_ids().data());
  });
  ivf_ = std::move(ivf);
  pending_ = FlatIndex(dim_, metric_);
}

std::size_t IvfIndex::remove(std::span<const std::int64_t> ids) {
  if (!ivf_) return pending_.remove(ids);
  std::vector<faiss::Index::idx_t> present;
  for (const std::int64_t id : ids) {
    if (ivf_->direct_map.hashtable.count(id) != 0) present.push_back(id);
  }
  if (present.empty()) return 0;
  std::sort(present.begin(), present.end());
  present.erase(std::unique(present.begin(), present.end()), present.end());
  const faiss::IDSelectorArray selector(present.size(), present.data());
  std::size_t removed = 0;
  call_faiss("removing from an IVF index", [&] { removed = ivf_->remove_ids(selector); });
  return removed;
}

std::vector<std::int64_t> IvfIndex::ids() const {
  if (!ivf_) return pending_.ids();
  std::vector<std::int64_t> out;
  out.reserve(ivf_->direct_map.hashtable.size());
  for (const auto& [id, entry] : ivf_->direct_map.hashtable) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

bool IvfIndex::reconstruct(std::int64_t id, std::span<float> out) const {
  MOLT_CHECK(out.size() == dim_);
  if (!ivf_) return pending_.reconstruct(id, out);
  if (ivf_->direct_map.hashtable.count(id) == 0) return false;
  call_faiss("reading an IVF index", [&] { ivf_->reconstruct(id, out.data()); });
  return true;
}

std::vector<Hit> IvfIndex::ivf_search(std::span<const float> q, const SearchOptions& options,
                                      int nprobe) const {
  AllowedIds allowed(options.allowed != nullptr ? *options.allowed : std::vector<std::int64_t>{});
  faiss::SearchParametersIVF params;
  params.nprobe = static_cast<std::size_t>(std::min(nprobe, spec_.nlist));
  params.sel = options.allowed != nullptr ? &allowed : nullptr;
  const auto k = static_cast<faiss::Index::idx_t>(options.k);
  std::vector<float> distances(options.k);
  std::vector<faiss::Index::idx_t> labels(options.k);
  {
    ScopedOmpThreads threads(1);
    call_faiss("searching an IVF index",
               [&] { ivf_->search(1, q.data(), k, distances.data(), labels.data(), &params); });
  }
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < options.k; ++i) {
    if (labels[i] < 0) continue;
    hits.push_back({labels[i], metric_ == Metric::kL2 ? -distances[i] : distances[i]});
  }
  std::sort(hits.begin(), hits.end(), ranks_before);
  return hits;
}

std::vector<Hit> IvfIndex::search(std::span<const float> query, const SearchOptions& options) const {
  MOLT_CHECK(query.size() == dim_);
  if (!ivf_) return pending_.search(query, options);
  const std::vector<float> q = prepare_query(metric_, query);
  const std::size_t n_total = size();
  const std::size_t n_allowed = options.allowed == nullptr ? n_total : options.allowed->size();
  const std::size_t want = std::min(options.k, std::min(n_allowed, n_total));
  if (want == 0) return {};
  if (options.allowed != nullptr && (options.exact || prefer_exact_for_allowed(n_allowed, n_total))) {
    // Score the allowed vectors one by one through the id hashtable.
    TopK top(options.k);
    std::vector<float> x(dim_);
    for (const std::int64_t id : *options.allowed) {
      if (ivf_->direct_map.hashtable.count(id) == 0) continue;
      ivf_->reconstruct(id, x.data());
      top.push({id, row_score(metric_, q.data(), x.data(), dim_)});
    }
    return top.take_sorted();
  }
  // Visiting every list is exact.
  const int nprobe = options.exact ? spec_.nlist : (options.nprobe > 0 ? options.nprobe : spec_.nprobe);
  std::vector<Hit> hits = ivf_search(q, options, nprobe);
  if (hits.size() < want && nprobe < spec_.nlist) hits = ivf_search(q, options, spec_.nlist);
  return hits;
}

std::string IvfIndex::save() const {
  std::string out;
  put_index_header(out, spec_, dim_, metric_);
  put<std::uint8_t>(out, ivf_ ? 1 : 0);
  put_string(out, ivf_ ? write_faiss_bytes(*ivf_) : pending_.save());
  return out;
}

std::unique_ptr<IvfIndex> IvfIndex::load_payload(formats::ByteReader& in, const IndexSpec& spec,
                                                 std::size_t dim, Metric metric) {
  auto index = std::make_unique<IvfIndex>(spec, dim, metric);
  const std::uint8_t trained = in.u8("trained");
  const std::string bytes = get_string(in, "lists");
  if (trained == 0) {
    std::unique_ptr<VectorIndex> flat = load_vector_index(bytes, in.source());
    auto* pending = dynamic_cast<FlatIndex*>(flat.get());
    if (pending == nullptr || pending->dim() != dim || pending->metric() != metric) {
      in.fail("the pending vectors do not match the header", "lists");
    }
    index->pending_ = std::move(*pending);
    return index;
  }
  if (trained != 1) in.fail("trained flag must be 0 or 1", "trained");
  std::unique_ptr<faiss::Index> loaded = read_faiss_bytes(bytes, in.source());
  auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(loaded.get());
  if (ivf == nullptr || static_cast<std::size_t>(ivf->d) != dim || ivf->metric_type != faiss_metric(metric) ||
      ivf->direct_map.type != faiss::DirectMap::Hashtable) {
    in.fail("the IVF lists do not match the header", "lists");
  }
  loaded.release();
  index->ivf_.reset(ivf);
  index->ivf_->nprobe = static_cast<std::size_t>(spec.nprobe);
  return index;
}

}  // namespace molt::index
