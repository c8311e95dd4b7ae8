// Bm25Index: an in-memory inverted index of analyzed documents, ranked with Lucene's BM25
// (bm25_similarity.h) the way Anserini ranks a bag-of-words query: every query term is a
// SHOULD clause, a repeated term weighs as many times as it occurs, and a document's score
// is the sum of its matching terms' scores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "molt/index/bm25_similarity.h"
#include "molt/index/top_k.h"

namespace molt::index {

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Params params = {}) : params_(params) {}

  // Appends a document given its analyzed terms (a repeated term counts as term frequency)
  // and returns its row, 0, 1, 2... in order of addition. Not thread-safe.
  std::size_t add(std::span<const std::string> terms);

  std::size_t size() const { return norms_.size(); }
  // Documents with at least one term: Lucene's docCount, BM25's N.
  std::uint64_t doc_count() const { return doc_count_; }
  std::uint64_t sum_total_term_freq() const { return sum_total_term_freq_; }
  std::size_t n_terms() const { return postings_.size(); }
  std::uint64_t doc_freq(std::string_view term) const;
  const Bm25Params& params() const { return params_; }

  // The k best documents for the query terms, best first; equal scores by lower row.
  // Documents matching no term are never returned; skip(row) == true excludes a row.
  // Thread-safe against other searches (not against add()).
  std::vector<Hit> search(std::span<const std::string> query_terms, std::size_t k,
                          const std::function<bool(std::size_t)>& skip = {}) const;

 private:
  struct Posting {
    std::uint32_t row;
    std::uint32_t term_freq;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Bm25Params params_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> term_ids_;
  std::vector<std::vector<Posting>> postings_;  // by term id, rows ascending
  std::vector<std::uint8_t> norms_;             // by row: encode_length(number of terms)
  std::uint64_t doc_count_ = 0;
  std::uint64_t sum_total_term_freq_ = 0;
};

}  // namespace molt::index
