// What a search asks for and what it answers: dense (vector), BM25 (keyword) or hybrid
// (reciprocal rank fusion of the two), top k, equality filters on metadata, over a
// collection named directly or through an alias.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "molt/index/bm25_similarity.h"
#include "molt/store/metadata_filter.h"

namespace molt::store {

enum class SearchMode { kDense, kBm25, kHybrid };

const char* search_mode_name(SearchMode mode);  // "dense", "bm25", "hybrid"
SearchMode parse_search_mode(std::string_view name);  // throws usage_error

inline constexpr std::size_t kMaxSearchK = 10000;

struct SearchRequest {
  std::string collection;       // a collection or an alias
  std::string space;            // dense and hybrid: "" for the serving space
  SearchMode mode = SearchMode::kDense;
  std::string text;             // the query (bm25, hybrid; dense when no vector is given)
  std::vector<float> vector;    // a query vector f32 [space dim]; empty: embed `text` with
                                // the space's model and query prompt
  std::size_t k = 10;           // 1..kMaxSearchK
  std::vector<MetadataFilter> filters;
  bool exact = false;           // dense: brute force whatever the space's index
  int ef_search = 0;            // dense on HNSW: 0 = the space's spec
  int nprobe = 0;               // dense on IVF: 0 = the space's spec
  index::Bm25Params bm25;       // Anserini's BEIR settings by default
  std::size_t fusion_depth = 100;  // hybrid: candidates taken from each ranking
  bool with_text = true;
  bool with_metadata = true;
};

struct SearchHit {
  std::string id;
  float score = 0.0f;  // cosine / inner product / -L2^2, BM25, or the RRF sum
  std::string text;
  nlohmann::json metadata;
};

struct SearchResult {
  std::vector<SearchHit> hits;  // best first
  std::string collection;       // the collection's name (an alias resolved)
  std::string space;            // the space that answered the dense part ("" for bm25)
  std::int64_t seq = 0;         // the snapshot every part of the answer came from
};

}  // namespace molt::store
