// StandardTokenizer against the UAX #29 word rules Lucene's grammar implements, on cases
// worked out by hand from the rules (and the examples of Lucene's TestStandardAnalyzer).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/index/standard_tokenizer.h"

namespace molt::index {
namespace {

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  for (const WordSpan& w : standard_tokenize(text)) out.push_back(text.substr(w.begin, w.end - w.begin));
  return out;
}

using V = std::vector<std::string>;

TEST(StandardTokenizer, LettersDigitsAndSeparators) {
  EXPECT_EQ(words("The quick brown-fox jumped"), (V{"The", "quick", "brown", "fox", "jumped"}));
  EXPECT_EQ(words("David has 5000 bones"), (V{"David", "has", "5000", "bones"}));
  EXPECT_EQ(words("dogs,chase,cats ac/dc 1-2"), (V{"dogs", "chase", "cats", "ac", "dc", "1", "2"}));
  EXPECT_EQ(words("  \t\n "), V{});
  EXPECT_EQ(words(""), V{});
  EXPECT_EQ(words("(p < 0.05) ± 3% [1]"), (V{"p", "0.05", "3", "1"}));
}

TEST(StandardTokenizer, MidLetterAndMidNumJoinOnlyBetweenTheirKind) {
  // WB6/7: letter (. ' : ’ ·) letter; WB11/12: digit (. , ; ’ ') digit.
  EXPECT_EQ(words("e.g. U.S.A. some.dotted.phrase"), (V{"e.g", "U.S.A", "some.dotted.phrase"}));
  EXPECT_EQ(words("O'Reilly you're don’t"), (V{"O'Reilly", "you're", "don’t"}));
  EXPECT_EQ(words("a:b mg·kg"), (V{"a:b", "mg·kg"}));
  EXPECT_EQ(words("3.14 1,000,000 216.239.63.104 1;2"), (V{"3.14", "1,000,000", "216.239.63.104", "1;2"}));
  EXPECT_EQ(words("10:30 a.1 1.a a,b"), (V{"10", "30", "a", "1", "1", "a", "a", "b"}));
  EXPECT_EQ(words("end. 'quoted' patients' 5'"), (V{"end", "quoted", "patients", "5"}));
}

TEST(StandardTokenizer, LettersAndDigitsJoin) {
  // WB9/WB10, and ExtendNumLet (WB13a/b).
  EXPECT_EQ(words("B2B R2D2 covid19 3.5mg IL-1β"), (V{"B2B", "R2D2", "covid19", "3.5mg", "IL", "1β"}));
  EXPECT_EQ(words("foo_bar _x_ __ a__1"), (V{"foo_bar", "_x_", "a__1"}));
}

TEST(StandardTokenizer, ExtendAndFormatStayInsideWords) {
  EXPECT_EQ(words("x\u0301y caf\u00e9 soft\u00adhyphen"), (V{"x\u0301y", "caf\u00e9", "soft\u00adhyphen"}));
  // A zero width space separates; a leading mark alone is no word.
  EXPECT_EQ(words("a\u200bb \u0301c"), (V{"a", "b", "c"}));
}

TEST(StandardTokenizer, ScriptsWithTheirOwnRules) {
  EXPECT_EQ(words("日本語"), (V{"日", "本", "語"}));              // one token per ideograph
  EXPECT_EQ(words("ひらがな"), (V{"ひ", "ら", "が", "な"}));      // one per hiragana
  EXPECT_EQ(words("カタカナabc"), (V{"カタカナ", "abc"}));        // katakana run, then letters
  EXPECT_EQ(words("ภาษาไทย ok"), (V{"ภาษาไทย", "ok"}));          // South-East Asian run
  EXPECT_EQ(words("한국어 αβγ Ωmega"), (V{"한국어", "αβγ", "Ωmega"}));
}

TEST(StandardTokenizer, EmojiSequencesAreTokens) {
  EXPECT_EQ(words("I \u2764\ufe0f u"), (V{"I", "\u2764\ufe0f", "u"}));
  EXPECT_EQ(words("\U0001F44D\U0001F3FD ok"), (V{"\U0001F44D\U0001F3FD", "ok"}));
  EXPECT_EQ(words("\U0001F468\u200d\U0001F469\u200d\U0001F467"),
            (V{"\U0001F468\u200d\U0001F469\u200d\U0001F467"}));
  EXPECT_EQ(words("\U0001F1FA\U0001F1F8"), (V{"\U0001F1FA\U0001F1F8"}));
  EXPECT_EQ(words("1\u20e3 2"), (V{"1\u20e3", "2"}));
  // Extended_Pictographic symbols are emoji too; other symbols separate.
  EXPECT_EQ(words("\u00a9 2010 \u2122 \u2606 \u2192"), (V{"\u00a9", "2010", "\u2122"}));
}

TEST(StandardTokenizer, OffsetsAreBytes) {
  const std::string text = "αβ, café!";
  const auto spans = standard_tokenize(text);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].begin, 0u);
  EXPECT_EQ(spans[0].end, 4u);
  EXPECT_EQ(spans[1].begin, 6u);
  EXPECT_EQ(spans[1].end, 11u);
}

TEST(StandardTokenizer, InvalidUtf8Separates) {
  EXPECT_EQ(words(std::string("ab\xff" "cd\xc3")), (V{"ab", "cd"}));
}

TEST(StandardTokenizer, LongWordsAreCutAt255Utf16Units) {
  const std::string word(300, 'a');
  EXPECT_EQ(words(word), (V{std::string(255, 'a'), std::string(45, 'a')}));
  // A supplementary character counts two units; the cut never splits it.
  std::string letters;
  for (int i = 0; i < 130; ++i) letters += "\U0001D400";  // MATHEMATICAL BOLD CAPITAL A (a letter)
  const auto pieces = words(letters);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].size(), 127u * 4);
  EXPECT_EQ(pieces[1].size(), 3u * 4);
}

}  // namespace
}  // namespace molt::index
