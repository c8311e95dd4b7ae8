// porter_stem: the examples of Porter's paper (whole-word results), and the four places where
// Lucene's stemmer (Porter's reference code) differs from Snowball's published-algorithm one.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "molt/index/porter_stemmer.h"

namespace molt::index {
namespace {

TEST(PorterStemmer, PaperExamples) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"caresses", "caress"}, {"ponies", "poni"},       {"ties", "ti"},
      {"caress", "caress"},   {"cats", "cat"},          {"feed", "feed"},
      {"agreed", "agre"},     {"plastered", "plaster"}, {"bled", "bled"},
      {"motoring", "motor"},  {"sing", "sing"},         {"conflated", "conflat"},
      {"troubled", "troubl"}, {"sized", "size"},        {"hopping", "hop"},
      {"tanned", "tan"},      {"falling", "fall"},      {"hissing", "hiss"},
      {"fizzed", "fizz"},     {"failing", "fail"},      {"filing", "file"},
      {"happy", "happi"},     {"sky", "sky"},           {"relational", "relat"},
      {"conditional", "condit"}, {"rational", "ration"}, {"digitizer", "digit"},
      {"vietnamization", "vietnam"}, {"predication", "predic"}, {"operator", "oper"},
      {"feudalism", "feudal"}, {"decisiveness", "decis"}, {"hopefulness", "hope"},
      {"callousness", "callous"}, {"formality", "formal"}, {"sensitivity", "sensit"},
      {"triplicate", "triplic"}, {"formative", "form"},  {"formalize", "formal"},
      {"electrical", "electr"}, {"goodness", "good"},     {"revival", "reviv"},
      {"allowance", "allow"},  {"inference", "infer"},   {"airliner", "airlin"},
      {"adjustable", "adjust"}, {"defensible", "defens"}, {"irritant", "irrit"},
      {"replacement", "replac"}, {"adjustment", "adjust"}, {"dependent", "depend"},
      {"adoption", "adopt"},   {"communism", "commun"},  {"activate", "activ"},
      {"effective", "effect"}, {"bowdlerize", "bowdler"}, {"probate", "probat"},
      {"rate", "rate"},        {"cease", "ceas"},        {"controlling", "control"},
      {"roll", "roll"},        {"generalization", "gener"}, {"patients", "patient"}};
  for (const auto& [word, stem] : cases) EXPECT_EQ(porter_stem(word), stem) << word;
}

TEST(PorterStemmer, DeparturesFromThePublishedAlgorithm) {
  // Words of length <= 2 are left alone (Snowball: "u", "i", "ai").
  EXPECT_EQ(porter_stem("us"), "us");
  EXPECT_EQ(porter_stem("is"), "is");
  EXPECT_EQ(porter_stem("ay"), "ay");
  EXPECT_EQ(porter_stem("s"), "s");
  EXPECT_EQ(porter_stem("3s"), "3s");
  // -logi -> -log (Snowball: "physiologi", "apologi").
  EXPECT_EQ(porter_stem("physiology"), "physiolog");
  EXPECT_EQ(porter_stem("physiological"), "physiolog");
  EXPECT_EQ(porter_stem("apology"), "apolog");
  EXPECT_EQ(porter_stem("biology"), "biologi");  // m("bio") = 0: the rule needs m > 0
  // -bli -> -ble (Snowball only -abli: "possibli", "visibli").
  EXPECT_EQ(porter_stem("possibly"), "possibl");
  EXPECT_EQ(porter_stem("visibly"), "visibl");
  // Any doubled consonant but l, s, z is undoubled (Snowball: "trekk", "revv").
  EXPECT_EQ(porter_stem("trekking"), "trek");
  EXPECT_EQ(porter_stem("revving"), "rev");
}

TEST(PorterStemmer, NonLettersAreConsonants) {
  EXPECT_EQ(porter_stem("covid19"), "covid19");
  EXPECT_EQ(porter_stem("3.5mg"), "3.5mg");
  EXPECT_EQ(porter_stem("cells"), "cell");
  EXPECT_EQ(porter_stem("β-cells"), "β-cell");
  EXPECT_EQ(porter_stem("αs"), "αs");            // two UTF-16 units: untouched
  EXPECT_EQ(porter_stem("\U0001D400s"), "\U0001D400");  // three units (a surrogate pair + s)
  EXPECT_EQ(porter_stem("αsing"), "αsing");      // α is a consonant: no vowel before -ing
  EXPECT_EQ(porter_stem(""), "");
}

}  // namespace
}  // namespace molt::index
