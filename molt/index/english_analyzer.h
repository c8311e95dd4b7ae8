// EnglishAnalyzer: text -> index terms exactly as Anserini's DefaultEnglishAnalyzer (the one
// its BM25 baselines use) builds them from Lucene 9 parts:
//   StandardTokenizer (UAX #29 words) -> EnglishPossessiveFilter (drop a trailing 's)
//   -> LowerCaseFilter -> StopFilter (Lucene's 33 English stop words) -> PorterStemFilter.
// The same analyzer serves BM25 evaluation and keyword search in the store, so a term
// indexed by one is found by the other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace molt::index {

// One term of the token stream.
struct AnalyzedToken {
  std::string term;             // lower-cased, possessive-stripped, stemmed (UTF-8)
  std::uint32_t position = 0;   // word number in the text (0-based); stop words leave gaps
  std::size_t begin = 0;        // bytes [begin, end) of the word in the original text
  std::size_t end = 0;
};

struct EnglishAnalyzerOptions {
  bool remove_stop_words = true;  // Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET
  bool stem = true;               // Porter, as Lucene's PorterStemFilter
};

// Stateless after construction; analyze() may be called from many threads at once.
class EnglishAnalyzer {
 public:
  explicit EnglishAnalyzer(EnglishAnalyzerOptions options = {}) : options_(options) {}

  // The token stream: calls emit once per term, in text order.
  void analyze(std::string_view text, const std::function<void(const AnalyzedToken&)>& emit) const;

  std::vector<AnalyzedToken> tokens(std::string_view text) const;

  // Just the terms, in order (what BM25 indexes and queries with).
  std::vector<std::string> terms(std::string_view text) const;

  const EnglishAnalyzerOptions& options() const { return options_; }

 private:
  EnglishAnalyzerOptions options_;
};

// Lucene's English stop set: a an and are as at be but by for if in into is it no not of on
// or such that the their then there these they this to was will with.
std::span<const std::string_view> english_stop_words();
bool is_english_stop_word(std::string_view lower_cased_word);

}  // namespace molt::index
