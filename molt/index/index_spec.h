// IndexSpec: which vector index a space uses and its parameters, written as a short string
// in the manner of faiss's index factory:
//   flat                                   exact search (the oracle)
//   hnsw[:M=32,efConstruction=128,efSearch=96,exactBelow=10000]
//                                          FAISS HNSW graph over full vectors
//   ivf[:nlist=1024,nprobe=32]             FAISS inverted lists over full vectors
// Omitted parameters take the defaults below; to_string() writes every parameter, so a
// stored spec means the same thing whatever later versions choose as defaults.
#pragma once

#include <string>
#include <string_view>

namespace molt::index {

enum class IndexKind { kFlat, kHnsw, kIvf };

struct IndexSpec {
  IndexKind kind = IndexKind::kFlat;
  // HNSW (hnswlib / faiss names): graph degree, build-time and search-time candidate lists.
  int m = 32;
  int ef_construction = 128;
  int ef_search = 96;
  // Below this many vectors a search scans them all instead of walking the graph: exact,
  // and as fast or faster at that size (bench/RESULTS.md); 0 always walks the graph.
  int exact_below = 10000;
  // IVF: number of lists (clusters) and lists visited per query. With fewer vectors than
  // 39 per list at training time, the index trains fewer lists (faiss's own rule of thumb).
  int nlist = 1024;
  int nprobe = 32;

  std::string to_string() const;  // canonical: every parameter of the kind
  bool operator==(const IndexSpec&) const = default;
};

// Parses a spec string. Throws usage_error naming the bad part: an unknown kind, an
// unknown or repeated key, a value that is not an integer in its range.
IndexSpec parse_index_spec(std::string_view text);

const char* index_kind_name(IndexKind kind);  // "flat", "hnsw", "ivf"

}  // namespace molt::index
