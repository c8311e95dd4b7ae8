// EnglishAnalyzer: the order of Anserini's filters (possessive before lower-casing, stop
// words before stemming), positions with stop-word gaps, byte offsets.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/index/english_analyzer.h"

namespace molt::index {
namespace {

using V = std::vector<std::string>;

TEST(EnglishAnalyzer, FilterChain) {
  const EnglishAnalyzer a;
  EXPECT_EQ(a.terms("The Patient's IL-6 levels were HIGHER than the controls'."),
            (V{"patient", "il", "6", "level", "were", "higher", "than", "control"}));
  // 'S and the typographic apostrophes are possessives too; "it's" loses its 's before the
  // stop filter sees "it".
  EXPECT_EQ(a.terms("JOHN'S Mary’s Ann＇s it's"), (V{"john", "mari", "ann"}));
  // Stop words are matched after lower-casing, before stemming ("this" is a stop word, "thi"
  // would not be; "as" is, "a" is).
  EXPECT_EQ(a.terms("This IS An Example AS Such"), (V{"exampl"}));
}

TEST(EnglishAnalyzer, LowerCasesPerCodePoint) {
  const EnglishAnalyzer a;
  EXPECT_EQ(a.terms("ΑΒΓ ÉCOLE İstanbul"), (V{"αβγ", "école", "istanbul"}));
}

TEST(EnglishAnalyzer, PositionsAndOffsets) {
  const EnglishAnalyzer a;
  const std::string text = "the cat’s αβ and dogs";
  const auto toks = a.tokens(text);
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].term, "cat");
  EXPECT_EQ(toks[0].position, 1u);  // "the" took position 0
  EXPECT_EQ(text.substr(toks[0].begin, toks[0].end - toks[0].begin), "cat’s");
  EXPECT_EQ(toks[1].term, "αβ");
  EXPECT_EQ(toks[1].position, 2u);
  EXPECT_EQ(toks[2].term, "dog");
  EXPECT_EQ(toks[2].position, 4u);  // "and" took 3
  EXPECT_EQ(text.substr(toks[2].begin, toks[2].end - toks[2].begin), "dogs");
}

TEST(EnglishAnalyzer, OptionsTurnStagesOff) {
  const EnglishAnalyzer plain({.remove_stop_words = false, .stem = false});
  EXPECT_EQ(plain.terms("The running dogs"), (V{"the", "running", "dogs"}));
  const EnglishAnalyzer no_stem({.remove_stop_words = true, .stem = false});
  EXPECT_EQ(no_stem.terms("The running dogs"), (V{"running", "dogs"}));
}

TEST(EnglishAnalyzer, StopSetIsLucenes) {
  EXPECT_EQ(english_stop_words().size(), 33u);
  for (const char* w : {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in",
                        "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the",
                        "their", "then", "there", "these", "they", "this", "to", "was", "will",
                        "with"}) {
    EXPECT_TRUE(is_english_stop_word(w)) << w;
  }
  EXPECT_FALSE(is_english_stop_word("were"));
  EXPECT_FALSE(is_english_stop_word("The"));  // the set is lower case; the filter lower-cases first
}

}  // namespace
}  // namespace molt::index
