// BM25 scoring exactly as Lucene 9's BM25Similarity computes it, float for float:
//   idf    = ln(1 + (N - df + 0.5) / (df + 0.5))      N = documents with at least one term
//   avgdl  = sum of document lengths / N
//   score  = w - w / (1 + tf * 1 / (k1 * (1 - b + b * dl / avgdl)))   w = boost * idf
// where dl is not the exact length but its one-byte norm (SmallFloat.intToByte4) decoded
// again, which is exact up to 23 terms and keeps 4 significant bits above.
// Anserini's BEIR baselines use k1 = 0.9, b = 0.4. Shared by the in-memory index and the
// store's keyword search.
#pragma once

#include <array>
#include <cstdint>

namespace molt::index {

struct Bm25Params {
  float k1 = 0.9f;
  float b = 0.4f;
};

// Lucene's SmallFloat.intToByte4 / byte4ToInt: a document length in one byte.
std::uint8_t encode_length(std::uint32_t n_terms);
std::uint32_t decode_length(std::uint8_t norm);

float bm25_idf(std::uint64_t doc_freq, std::uint64_t doc_count);
float bm25_average_length(std::uint64_t sum_total_term_freq, std::uint64_t doc_count);

// Scores query terms against documents for one collection state (its average length).
// Cheap to build (256 floats); immutable, so shareable between threads.
class Bm25Scorer {
 public:
  Bm25Scorer(const Bm25Params& params, float average_length);

  // One term's contribution to a document's score. weight = boost * idf, the boost being
  // how many times the term occurs in the query (Lucene merges repeated SHOULD clauses
  // into one clause with the summed boost).
  float score(float weight, float term_freq, std::uint8_t norm) const {
    return weight - weight / (1.0f + term_freq * norm_inverse_[norm]);
  }

 private:
  std::array<float, 256> norm_inverse_;  // 1 / (k1 * (1 - b + b * decode_length(i) / avgdl))
};

}  // namespace molt::index
