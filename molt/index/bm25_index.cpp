#include "molt/index/bm25_index.h"

#include <algorithm>

#include "molt/base/check.h"

namespace molt::index {

std::size_t Bm25Index::add(std::span<const std::string> terms) {
  const std::size_t row = norms_.size();
  MOLT_CHECK(row < UINT32_MAX && terms.size() < UINT32_MAX);
  std::vector<std::uint32_t> ids;
  ids.reserve(terms.size());
  for (const std::string& t : terms) {
    auto it = term_ids_.find(std::string_view(t));
    if (it == term_ids_.end()) {
      it = term_ids_.emplace(t, static_cast<std::uint32_t>(postings_.size())).first;
      postings_.emplace_back();
    }
    ids.push_back(it->second);
  }
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    postings_[ids[i]].push_back(Posting{static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(j - i)});
    i = j;
  }
  // Lucene's norm: the number of tokens indexed for the field (stop words excluded).
  norms_.push_back(encode_length(static_cast<std::uint32_t>(terms.size())));
  if (!terms.empty()) ++doc_count_;
  sum_total_term_freq_ += terms.size();
  return row;
}

std::uint64_t Bm25Index::doc_freq(std::string_view term) const {
  const auto it = term_ids_.find(term);
  return it == term_ids_.end() ? 0 : postings_[it->second].size();
}

std::vector<Hit> Bm25Index::search(std::span<const std::string> query_terms, std::size_t k,
                                   const std::function<bool(std::size_t)>& skip) const {
  if (k == 0 || query_terms.empty() || doc_count_ == 0) return {};
  // Bag of words: the boost of a term is its number of occurrences in the query. The order
  // of first occurrence fixes the order in which clause scores are summed.
  std::vector<std::pair<std::uint32_t, float>> clauses;
  for (const std::string& t : query_terms) {
    const auto it = term_ids_.find(std::string_view(t));
    if (it == term_ids_.end()) continue;
    auto c = std::find_if(clauses.begin(), clauses.end(),
                          [&](const auto& p) { return p.first == it->second; });
    if (c == clauses.end()) {
      clauses.emplace_back(it->second, 1.0f);
    } else {
      c->second += 1.0f;
    }
  }
  if (clauses.empty()) return {};

  const Bm25Scorer scorer(params_, bm25_average_length(sum_total_term_freq_, doc_count_));
  // Lucene sums the clause scores of a document in double and rounds once to float.
  std::vector<double> scores(norms_.size(), 0.0);
  std::vector<std::uint32_t> touched;
  for (const auto& [term, boost] : clauses) {
    const auto& postings = postings_[term];
    const float weight = boost * bm25_idf(postings.size(), doc_count_);
    for (const Posting& p : postings) {
      if (scores[p.row] == 0.0) touched.push_back(p.row);
      scores[p.row] += scorer.score(weight, static_cast<float>(p.term_freq), norms_[p.row]);
    }
  }
  TopK top(k);
  for (const std::uint32_t row : touched) {
    const Hit h{static_cast<std::int64_t>(row), static_cast<float>(scores[row])};
    if (top.full() && !ranks_before(h, top.worst())) continue;
    if (skip && skip(row)) continue;
    top.push(h);
  }
  return top.take_sorted();
}

}  // namespace molt::index
