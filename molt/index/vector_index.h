// VectorIndex: the one interface of molt's vector indexes (faiss's Index, reduced to what a
// store needs): add, remove, search, save, load. FlatIndex (exact) is the oracle every
// approximate kind is measured against; an IndexSpec string chooses the kind
// ("flat", "hnsw:M=32,efSearch=64", "ivf:nlist=1024").
//
// Ids are the caller's int64 keys (the store uses document keys), unique within an index;
// adding an id that is present replaces its vector. Scores are "higher is better":
// the cosine or inner product, or for L2 the negated squared distance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/index/index_spec.h"
#include "molt/index/top_k.h"

namespace molt::index {

enum class Metric {
  kCosine,        // vectors and queries are L2-normalized, then compared by inner product
  kInnerProduct,  // raw inner product
  kL2,            // squared Euclidean distance, reported negated
};

const char* metric_name(Metric metric);  // "cosine", "ip", "l2"
// Parses "cosine", "ip" (or "dot") and "l2"; throws usage_error naming the valid ones.
Metric parse_metric(std::string_view name);

struct SearchOptions {
  std::size_t k = 10;
  // When set, only these ids may be returned (sorted ascending, unique). The index chooses
  // how: an approximate index searches exactly over a small allowed set, and through its
  // graph or lists with a filter over a large one.
  const std::vector<std::int64_t>* allowed = nullptr;
  bool exact = false;  // brute force over the index's vectors, whatever its kind
  int ef_search = 0;   // HNSW: candidate list size; 0 = the spec's
  int nprobe = 0;      // IVF: lists visited; 0 = the spec's
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  virtual const IndexSpec& spec() const = 0;
  virtual std::size_t dim() const = 0;
  virtual Metric metric() const = 0;
  virtual std::size_t size() const = 0;  // vectors present

  // Adds or replaces: ids[i] gets row i of vectors f32 [ids.size(), dim()], row-major.
  // Ids must be unique within the call. Not thread-safe: no search may run meanwhile.
  virtual void add(std::span<const std::int64_t> ids, std::span<const float> vectors) = 0;
  // Removes the ids that are present; returns how many were. Not thread-safe.
  virtual std::size_t remove(std::span<const std::int64_t> ids) = 0;

  virtual bool contains(std::int64_t id) const = 0;
  // Every id present, ascending.
  virtual std::vector<std::int64_t> ids() const = 0;
  // The vector held for `id` (L2-normalized for cosine) into out f32 [dim()]; false when
  // absent. For checking an index against the vectors it was built from.
  virtual bool reconstruct(std::int64_t id, std::span<float> out) const = 0;

  // Up to options.k hits for query f32 [dim()], best first (equal scores by lower id).
  // Thread-safe against other searches, not against add/remove.
  virtual std::vector<Hit> search(std::span<const float> query, const SearchOptions& options) const = 0;

  // The whole index (ids included) as bytes that load_vector_index() restores.
  virtual std::string save() const = 0;

  // Threads used by add() (faiss's OpenMP team for graph construction and training); the
  // owner of molt's thread pool sets it. Searches of one query always run on the caller's
  // thread.
  void set_build_threads(int n) { build_threads_ = n < 1 ? 1 : n; }
  int build_threads() const { return build_threads_; }

 protected:
  VectorIndex() = default;
  VectorIndex(const VectorIndex&) = default;
  VectorIndex& operator=(const VectorIndex&) = default;
  VectorIndex(VectorIndex&&) = default;
  VectorIndex& operator=(VectorIndex&&) = default;

 private:
  int build_threads_ = 1;
};

// An empty index of the spec's kind.
std::unique_ptr<VectorIndex> make_vector_index(const IndexSpec& spec, std::size_t dim, Metric metric);

// Restores what VectorIndex::save() wrote. `bytes` must come from save() of this molt
// version (callers check integrity with a checksum first); a malformed or truncated
// buffer throws input_error naming `source`.
std::unique_ptr<VectorIndex> load_vector_index(std::string_view bytes, const std::string& source);

}  // namespace molt::index
