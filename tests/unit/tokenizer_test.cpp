// The tokenizer's stages on small vocabularies with hand-worked expectations: WordPiece's
// greedy longest match, the normalizer's options, punctuation splitting, added tokens, the
// slow tokenizer's never_split quirk, truncation arithmetic, templates, the loaders'
// errors, Python's lower/strip, ill-formed UTF-8.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/formats/gguf.h"
#include "molt/tokenizer/tokenizer.h"
#include "molt/tokenizer/vocabulary.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;
using tokenizer::EncodeOptions;
using tokenizer::Tokenizer;
using Ids = std::vector<std::int32_t>;

const std::vector<std::string> kTokens = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un",  "##aff", "##able", "a",      "b",
    "ab",    ".",     "!",     "hello", "world",  "e",   "é",     "中",     "##b",    "—",
    "cafe",  "café",  "i",     "<mask>", "Hello", ",",   "[",     "]",      "cl",     "##s",
    "σ",     "ς",     "##σ",   "##ς",   "x",      "##x", "ı",     "ab##"};

json vocab_json() {
  json v = json::object();
  for (std::size_t i = 0; i < kTokens.size(); ++i) v[kTokens[i]] = i;
  return v;
}

json added(const std::string& content, int id, bool special = true) {
  return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", !special}, {"special", special}};
}

// A tokenizer.json like bert-base-uncased's, over kTokens.
json bert_json(bool lowercase = true) {
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", {added("[PAD]", 0), added("[UNK]", 1), added("[CLS]", 2), added("[SEP]", 3), added("[MASK]", 4)}},
      {"normalizer",
       {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
        {"strip_accents", nullptr}, {"lowercase", lowercase}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", {{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                    {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}}}},
        {"pair", {{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                  {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "B"}, {"type_id", 1}}}},
                  {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 1}}}}}},
        {"special_tokens",
         {{"[CLS]", {{"id", "[CLS]"}, {"ids", {2}}, {"tokens", {"[CLS]"}}}},
          {"[SEP]", {{"id", "[SEP]"}, {"ids", {3}}, {"tokens", {"[SEP]"}}}}}}}},
      {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
      {"model",
       {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", 100}, {"vocab", vocab_json()}}},
  };
}

Tokenizer make(const json& j) { return Tokenizer::from_tokenizer_json_text(j.dump(), "test.json"); }

Ids ids(const Tokenizer& t, std::string_view text) {
  EncodeOptions options;
  options.add_special_tokens = false;
  return t.encode(text, options).ids;
}

std::int32_t id(const std::string& token) {
  for (std::size_t i = 0; i < kTokens.size(); ++i) {
    if (kTokens[i] == token) return static_cast<std::int32_t>(i);
  }
  ADD_FAILURE() << "no token " << token;
  return -1;
}

// The error a loader throws for `j`.
Error load_error(const json& j) {
  try {
    (void)make(j);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error";
  return internal_error("none");
}

TEST(WordPiece, GreedyLongestMatchWithContinuations) {
  const Tokenizer t = make(bert_json());
  EXPECT_EQ(ids(t, "unaffable"), (Ids{id("un"), id("##aff"), id("##able")}));
  EXPECT_EQ(ids(t, "ab"), (Ids{id("ab")}));          // the longest first: "ab", not "a" "##b"
  EXPECT_EQ(ids(t, "abb"), (Ids{id("ab"), id("##b")}));
  EXPECT_EQ(ids(t, "abz"), (Ids{id("[UNK]")}));      // no split: the whole piece is unknown
  EXPECT_EQ(ids(t, "hello abz world"), (Ids{id("hello"), id("[UNK]"), id("world")}));
  // ab## is a vocabulary token but never a piece: '#' is punctuation.
  EXPECT_EQ(ids(t, "ab##"), (Ids{id("ab"), id("[UNK]"), id("[UNK]")}));
}

TEST(WordPiece, WordsLongerThanMaxCharsAreUnknown) {
  json j = bert_json();
  j["model"]["max_input_chars_per_word"] = 4;
  const Tokenizer t = make(j);
  EXPECT_EQ(ids(t, "xxxx"), (Ids{id("x"), id("##x"), id("##x"), id("##x")}));
  EXPECT_EQ(ids(t, "xxxxx"), (Ids{id("[UNK]")}));
  EXPECT_EQ(ids(t, "ééé"), (Ids{id("[UNK]")}));  // counted in characters, not bytes (é → e)
}

TEST(Normalizer, CleanTextDropsControlsAndMapsWhitespace) {
  const Tokenizer t = make(bert_json());
  // Zero-width space (Cf), NUL, U+FFFD and DEL vanish without splitting the word.
  EXPECT_EQ(ids(t, "a\u200bb"), (Ids{id("ab")}));
  EXPECT_EQ(ids(t, std::string("a\0b", 3)), (Ids{id("ab")}));
  EXPECT_EQ(ids(t, "a\uFFFDb\x7f"), (Ids{id("ab")}));
  // \v and \f are controls (dropped), not whitespace, for the slow tokenizer.
  EXPECT_EQ(ids(t, "a\vb"), (Ids{id("ab")}));
  // Tabs, newlines, no-break and ideographic spaces separate words.
  EXPECT_EQ(ids(t, "a\tb\na\u00a0b\u3000a"), (Ids{id("a"), id("b"), id("a"), id("b"), id("a")}));
  // U+2028 is not cleaned but splits words like str.split() does.
  EXPECT_EQ(ids(t, "a\u2028b"), (Ids{id("a"), id("b")}));
}

TEST(Normalizer, IllFormedUtf8BecomesReplacementCharacters) {
  const Tokenizer t = make(bert_json());
  // Each maximal ill-formed subpart is a U+FFFD, which clean_text drops.
  EXPECT_EQ(ids(t, "a\xff" "b"), (Ids{id("ab")}));
  EXPECT_EQ(ids(t, "a\xed\xa0\x80" "b"), (Ids{id("ab")}));  // an encoded surrogate
  EXPECT_EQ(ids(t, "hello \xe4\xb8"), (Ids{id("hello")}));   // truncated at the end
  json j = bert_json();
  j["normalizer"]["clean_text"] = false;
  // Without clean_text the replacement character stays, inside the word.
  EXPECT_EQ(ids(make(j), "a\xff"), (Ids{id("[UNK]")}));
}

TEST(Normalizer, CjkIdeographsAreWordsOfTheirOwn) {
  const Tokenizer t = make(bert_json());
  EXPECT_EQ(ids(t, "a中b"), (Ids{id("a"), id("中"), id("b")}));
  json j = bert_json();
  j["normalizer"]["handle_chinese_chars"] = false;
  EXPECT_EQ(ids(make(j), "a中b"), (Ids{id("[UNK]")}));
}

TEST(Normalizer, AccentsFollowLowercaseUnlessSet) {
  // lowercase + strip_accents null: NFD and drop Mn.
  EXPECT_EQ(ids(make(bert_json()), "CAFÉ Café cafe\u0301"), (Ids{id("cafe"), id("cafe"), id("cafe")}));
  json keep = bert_json();
  keep["normalizer"]["strip_accents"] = false;
  // NFC first, so a decomposed é is the precomposed vocabulary token.
  EXPECT_EQ(ids(make(keep), "CAFÉ cafe\u0301"), (Ids{id("café"), id("café")}));
  const Tokenizer cased = make(bert_json(false));
  EXPECT_EQ(ids(cased, "Hello hello"), (Ids{id("Hello"), id("hello")}));
  EXPECT_EQ(ids(cased, "é"), (Ids{id("é")}));  // cased: accents kept unless strip_accents
  json cased_strip = bert_json(false);
  cased_strip["normalizer"]["strip_accents"] = true;
  EXPECT_EQ(ids(make(cased_strip), "é"), (Ids{id("e")}));
  // İ lower-cases to i + U+0307, whose mark is stripped; ı stays.
  EXPECT_EQ(ids(make(bert_json()), "İ ı"), (Ids{id("i"), id("ı")}));
}

TEST(Normalizer, NoFinalSigmaInsideTheTokenizer) {
  // The slow tokenizer lower-cases character by character before matching added tokens, so
  // a final capital sigma becomes σ, never ς (python_lower, used by sentence-transformers'
  // do_lower_case, gives ς).
  const Tokenizer t = make(bert_json());
  EXPECT_EQ(ids(t, "ΣΣ"), (Ids{id("σ"), id("##σ")}));
  EXPECT_EQ(ids(t, tokenizer::python_lower("ΣΣ")), (Ids{id("σ"), id("##ς")}));
}

TEST(PreTokenizer, EveryPunctuationCharacterIsAPiece) {
  const Tokenizer t = make(bert_json());
  EXPECT_EQ(ids(t, "hello, world!"), (Ids{id("hello"), id(","), id("world"), id("!")}));
  EXPECT_EQ(ids(t, "a—b"), (Ids{id("a"), id("—"), id("b")}));  // U+2014 is Pd
  EXPECT_EQ(ids(t, "a..b"), (Ids{id("a"), id("."), id("."), id("b")}));
}

TEST(AddedTokens, SpecialTokensInTheRawText) {
  const Tokenizer t = make(bert_json());
  EXPECT_EQ(ids(t, "a[SEP]b"), (Ids{id("a"), id("[SEP]"), id("b")}));
  EXPECT_EQ(ids(t, "[MASK][CLS]"), (Ids{id("[MASK]"), id("[CLS]")}));
  // Lower case is not special: split on punctuation like any text.
  EXPECT_EQ(ids(t, "[cls]"), (Ids{id("["), id("cl"), id("##s"), id("]")}));
}

TEST(AddedTokens, LowerCaseTokensMatchAfterLowerCasing) {
  json j = bert_json();
  j["added_tokens"].push_back(added("<mask>", id("<mask>")));
  const Tokenizer t = make(j);
  EXPECT_EQ(ids(t, "a <mask> b <MASK>"), (Ids{id("a"), id("<mask>"), id("b"), id("<mask>")}));
}

TEST(AddedTokens, SingleWordRefusesMatchesInsideWords) {
  json j = bert_json();
  json token = added("<mask>", id("<mask>"));
  token["single_word"] = true;
  j["added_tokens"].push_back(token);
  const Tokenizer t = make(j);
  EXPECT_EQ(ids(t, "a <mask> b"), (Ids{id("a"), id("<mask>"), id("b")}));
  EXPECT_NE(ids(t, "a<mask>b"), (Ids{id("a"), id("<mask>"), id("b")}));
}

TEST(AddedTokens, NeverSplitWordsGoToWordPieceWhole) {
  // The slow tokenizer keeps a whitespace-separated word equal to a special token whole
  // after clean_text: with a zero-width space inside, "[CL\u200bS]" escapes the added-token
  // match but still becomes [CLS] (a cased model: lower-casing would change the word first).
  const Tokenizer cased = make(bert_json(false));
  EXPECT_EQ(ids(cased, "a [CL\u200bS] b"), (Ids{id("a"), id("[CLS]"), id("b")}));
  const Tokenizer uncased = make(bert_json(true));
  EXPECT_EQ(ids(uncased, "[CL\u200bS]"), (Ids{id("["), id("cl"), id("##s"), id("]")}));
}

TEST(Encode, TemplateAndTokens) {
  const Tokenizer t = make(bert_json());
  EncodeOptions options;
  options.want_tokens = true;
  const auto e = t.encode("Hello, world", options);
  EXPECT_EQ(e.ids, (Ids{2, id("hello"), id(","), id("world"), 3}));
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"[CLS]", "hello", ",", "world", "[SEP]"}));
  EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 0}));
  EXPECT_EQ(e.n_untruncated, 5u);
  EXPECT_EQ(t.cls_id(), 2);
  EXPECT_EQ(t.sep_id(), 3);
  EXPECT_EQ(t.pad_id(), 0);
  EXPECT_EQ(t.unk_id(), 1);
  EXPECT_EQ(t.vocab_size(), kTokens.size());
  EXPECT_EQ(t.token_to_id("##aff"), id("##aff"));
  EXPECT_EQ(t.token_to_id("nope"), std::nullopt);
  EXPECT_EQ(t.id_to_token(id("##able")), "##able");
  EXPECT_EQ(t.id_to_token(9999), "");
  EXPECT_EQ(t.encode("").ids, (Ids{2, 3}));

  const auto p = t.encode_pair("a b", "hello");
  EXPECT_EQ(p.ids, (Ids{2, id("a"), id("b"), 3, id("hello"), 3}));
  EXPECT_EQ(p.type_ids, (Ids{0, 0, 0, 0, 1, 1}));
}

TEST(Encode, TruncationKeepsTheSpecialTokens) {
  json j = bert_json();
  j["truncation"] = {{"max_length", 4}, {"strategy", "LongestFirst"}, {"stride", 0}, {"direction", "Right"}};
  const Tokenizer t = make(j);
  EXPECT_EQ(t.truncation_max_length(), 4u);
  auto e = t.encode("a b a b a");
  EXPECT_EQ(e.ids, (Ids{2, id("a"), id("b"), 3}));
  EXPECT_EQ(e.n_untruncated, 7u);
  EncodeOptions wider;
  wider.max_length = 5;  // the caller's length wins over the file's
  EXPECT_EQ(t.encode("a b a b a", wider).ids, (Ids{2, id("a"), id("b"), id("a"), 3}));
  // Stopping early gives the same ids and a lower bound of the length.
  wider.count_untruncated = false;
  e = t.encode("a b a b a b a b", wider);
  EXPECT_EQ(e.ids, (Ids{2, id("a"), id("b"), id("a"), 3}));
  EXPECT_GE(e.n_untruncated, 6u);
  EXPECT_LE(e.n_untruncated, 10u);

  j["truncation"]["direction"] = "Left";
  EXPECT_EQ(make(j).encode("a b a b x").ids, (Ids{2, id("b"), id("x"), 3}));

  EncodeOptions tiny;
  tiny.max_length = 1;
  try {
    (void)t.encode("a", tiny);
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.kind(), ErrorKind::kUsage);
  }
  tiny.max_length = 2;
  EXPECT_EQ(t.encode("a b", tiny).ids, (Ids{2, 3}));
}

TEST(Encode, PairTruncationAsTheSlowTokenizer) {
  const Tokenizer t = make(bert_json());
  EncodeOptions options;
  // Budget 6 - 3 = 3: the longer first loses 3 (5 vs 1 → 2 vs 1).
  options.max_length = 6;
  EXPECT_EQ(t.encode_pair("a a a a a", "b", options).ids, (Ids{2, id("a"), id("a"), 3, id("b"), 3}));
  // Budget 8 - 3 = 5 from 4 + 4: even out (nothing), then 3 off: first -1, second -2.
  options.max_length = 8;
  EXPECT_EQ(t.encode_pair("a a a a", "b b b b", options).ids,
            (Ids{2, id("a"), id("a"), id("a"), 3, id("b"), id("b"), 3}));
  json only_second = bert_json();
  only_second["truncation"] = {{"max_length", 5}, {"strategy", "OnlySecond"}, {"stride", 0}};
  EXPECT_EQ(make(only_second).encode_pair("a", "b b b").ids, (Ids{2, id("a"), 3, id("b"), 3}));
  EXPECT_THROW((void)make(only_second).encode_pair("a a a a", "b"), Error);
}

TEST(PostProcessor, BertAndRobertaProcessing) {
  json j = bert_json();
  j["post_processor"] = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}};
  const auto bert = make(j).encode_pair("a", "b");
  EXPECT_EQ(bert.ids, (Ids{2, id("a"), 3, id("b"), 3}));
  EXPECT_EQ(bert.type_ids, (Ids{0, 0, 0, 1, 1}));
  j["post_processor"] = {{"type", "RobertaProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}},
                         {"trim_offsets", true}, {"add_prefix_space", false}};
  const auto roberta = make(j).encode_pair("a", "b");
  EXPECT_EQ(roberta.ids, (Ids{2, id("a"), 3, 3, id("b"), 3}));
  EXPECT_EQ(roberta.type_ids, (Ids{0, 0, 0, 0, 0, 0}));
  j["post_processor"] = nullptr;
  EXPECT_EQ(make(j).encode("a").ids, (Ids{id("a")}));
}

TEST(TokenizerJson, UnsupportedComponentsAreNamed) {
  json j = bert_json();
  j["normalizer"] = {{"type", "NFKC"}};
  Error e = load_error(j);
  EXPECT_EQ(e.where().field, "normalizer.type");
  EXPECT_NE(e.message().find("normalizer NFKC is not supported"), std::string::npos);

  j = bert_json();
  j["model"]["type"] = "BPE";
  EXPECT_NE(load_error(j).message().find("tokenizer model BPE is not supported"), std::string::npos);

  j = bert_json();
  j["pre_tokenizer"] = {{"type", "Metaspace"}};
  EXPECT_EQ(load_error(j).where().field, "pre_tokenizer.type");

  j = bert_json();
  j["normalizer"]["strip_unicode"] = true;
  e = load_error(j);
  EXPECT_EQ(e.where().field, "normalizer.strip_unicode");
  EXPECT_NE(e.message().find("unknown option"), std::string::npos);

  j = bert_json();
  j["post_processor"] = {{"type", "ByteLevel"}};
  EXPECT_EQ(load_error(j).where().field, "post_processor.type");

  j = bert_json();
  j["truncation"] = {{"max_length", 4}, {"strategy", "Sideways"}, {"stride", 0}};
  EXPECT_EQ(load_error(j).where().field, "truncation.strategy");
}

TEST(TokenizerJson, MalformedFilesAreInputErrors) {
  Error e = internal_error("none");
  try {
    (void)Tokenizer::from_tokenizer_json_text("{\"model\": ", "t.json");
  } catch (const Error& err) {
    e = err;
  }
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_EQ(e.where().file, "t.json");
  EXPECT_TRUE(e.where().offset.has_value());

  try {
    (void)Tokenizer::from_tokenizer_json_text(R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"a": 0, "a": 1}}})", "t.json");
    FAIL();
  } catch (const Error& err) {
    EXPECT_NE(err.message().find("appears twice"), std::string::npos) << err.message();
  }

  json j = bert_json();
  j["model"]["vocab"]["zzz"] = 3;  // the id of [SEP]
  EXPECT_NE(load_error(j).message().find("id 3 is given to both"), std::string::npos);

  j = bert_json();
  j["model"]["unk_token"] = "<unk>";
  EXPECT_NE(load_error(j).message().find("unknown token \"<unk>\" is not in the vocabulary"), std::string::npos);

  j = bert_json();
  j["model"]["vocab"]["big"] = 1u << 30;
  EXPECT_NE(load_error(j).message().find("far beyond"), std::string::npos);

  j = bert_json();
  j.erase("model");
  EXPECT_EQ(load_error(j).where().field, "model");

  j = bert_json();
  j["added_tokens"][0]["id"] = -1;
  EXPECT_EQ(load_error(j).where().field, "added_tokens[0].id");
}

TEST(Vocabulary, LaterDuplicatesWinAndHolesAreEmpty) {
  const tokenizer::Vocabulary v({{"a", 0}, {"##b", 1}, {"a", 3}}, "##");
  EXPECT_EQ(v.size(), 4u);
  EXPECT_EQ(v.find("a"), 3);
  EXPECT_EQ(v.find_continuation("b"), 1);
  EXPECT_EQ(v.find_continuation("a"), tokenizer::Vocabulary::kNone);
  EXPECT_EQ(v.token(0), "a");
  EXPECT_EQ(v.token(2), "");
  EXPECT_EQ(v.max_token_bytes(), 3u);
  EXPECT_EQ(v.max_continuation_bytes(), 1u);
}

TEST(PythonText, LowerAndStrip) {
  using tokenizer::python_lower;
  using tokenizer::python_strip;
  EXPECT_EQ(python_lower("ABC def"), "abc def");
  EXPECT_EQ(python_lower("İ"), "i\u0307");
  EXPECT_EQ(python_lower("ΟΔΟΣ"), "οδος");        // final sigma
  EXPECT_EQ(python_lower("ΟΔΟΣ."), "οδος.");      // '.' does not end the word's casing
  EXPECT_EQ(python_lower("Σ"), "σ");              // alone: not final
  EXPECT_EQ(python_lower("ΑΣΑ"), "ασα");
  EXPECT_EQ(python_lower("a\xff"), "a\uFFFD");
  EXPECT_EQ(python_strip("  a b  "), "a b");
  EXPECT_EQ(python_strip("\u00a0\u3000abc\u2029\x1c"), "abc");
  EXPECT_EQ(python_strip("\u200babc"), "\u200babc");  // ZWSP is not whitespace
  EXPECT_EQ(python_strip("\xff "), "\xff");
}

TEST(VocabTxt, LinesConfigsAndSpecialTokens) {
  TempDir dir;
  write_file_atomic(dir / "vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\rworld\nHello\n");
  write_file_atomic(dir / "tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 512})");
  const Tokenizer t = Tokenizer::load(dir.path());
  EXPECT_EQ(t.token_to_id("world"), 5);
  EXPECT_EQ(t.model_max_length(), 512u);
  EXPECT_EQ(t.encode("Hello world").ids, (Ids{2, 6, 5, 3}));
  // [MASK] is not in vocab.txt: it gets the next id, as transformers adds it.
  EXPECT_EQ(t.token_to_id("[MASK]"), 7);
  EXPECT_EQ(t.vocab_size(), 8u);

  // special_tokens_map.json wins over tokenizer_config.json.
  write_file_atomic(dir / "special_tokens_map.json", R"({"cls_token": "hello", "sep_token": {"content": "world"}})");
  write_file_atomic(dir / "tokenizer_config.json", R"({"cls_token": "[SEP]"})");
  EXPECT_EQ(Tokenizer::load(dir.path()).encode("").ids, (Ids{4, 5}));

  write_file_atomic(dir / "vocab.txt", "[UNK]\nok\nbad\xff\n");
  try {
    (void)Tokenizer::load(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(e.where().file.find("vocab.txt"), std::string::npos);
  }
  write_file_atomic(dir / "vocab.txt", "[UNK]\n");
  write_file_atomic(dir / "tokenizer_config.json", R"({"do_lower_case": )");
  try {
    (void)Tokenizer::load(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.where().file.find("tokenizer_config.json"), std::string::npos);
    EXPECT_NE(e.message().find("not valid JSON"), std::string::npos);
  }
}

TEST(VocabTxt, MissingTokenizerIsNotFound) {
  TempDir dir;
  try {
    (void)Tokenizer::load(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(e.message().find("neither tokenizer.json nor vocab.txt"), std::string::npos);
  }
}

std::string gguf_vocab(const std::string& model, const std::vector<std::string>& tokens,
                       const std::vector<std::int32_t>& types, bool with_cls_id) {
  GgufBuilder b;
  b.kv_string("general.architecture", "bert");
  b.kv_string("tokenizer.ggml.model", model);
  b.kv_string_array("tokenizer.ggml.tokens", tokens);
  b.kv_i32_array("tokenizer.ggml.token_type", types);
  b.kv_u32("tokenizer.ggml.unknown_token_id", 1);
  b.kv_u32("tokenizer.ggml.seperator_token_id", 3);
  if (with_cls_id) b.kv_u32("tokenizer.ggml.cls_token_id", 2);
  return b.build();
}

TEST(GgufVocab, PhantomSpaceTokensAndSpecialIds) {
  TempDir dir;
  const std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "\u2581un", "aff", "able",
                                           "\u2581[", "[unused0]", "\u2581The"};
  const std::vector<std::int32_t> types = {3, 3, 3, 3, 1, 1, 1, 1, 1, 1};
  write_bytes(dir / "v.gguf", gguf_vocab("bert", tokens, types, false));
  const formats::GgufFile file(dir / "v.gguf");
  const Tokenizer t = Tokenizer::from_gguf(file);
  EXPECT_EQ(t.id_to_token(5), "##aff");
  EXPECT_EQ(t.id_to_token(7), "[");
  EXPECT_EQ(t.id_to_token(8), "[unused0]");
  EXPECT_EQ(t.cls_id(), 2);  // found as [CLS]: the file has no cls id
  EXPECT_FALSE(t.normalizer_options().lowercase);  // "The": a cased vocabulary
  EXPECT_EQ(t.encode("unaffable The").ids, (Ids{2, 4, 5, 6, 9, 3}));
  tokenizer::GgufTokenizerOptions lower;
  lower.lowercase = true;
  EXPECT_EQ(Tokenizer::from_gguf(file, lower).encode("The").ids, (Ids{2, 1, 3}));

  write_bytes(dir / "llama.gguf", gguf_vocab("llama", tokens, types, true));
  try {
    (void)Tokenizer::from_gguf(formats::GgufFile(dir / "llama.gguf"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("tokenizer model \"llama\" is not supported"), std::string::npos);
    EXPECT_EQ(e.where().field, "tokenizer.ggml.model");
  }
  std::vector<std::int32_t> bad_types = types;
  bad_types[5] = 6;
  write_bytes(dir / "byte.gguf", gguf_vocab("bert", tokens, bad_types, true));
  EXPECT_THROW((void)Tokenizer::from_gguf(formats::GgufFile(dir / "byte.gguf")), Error);
  write_bytes(dir / "short.gguf", gguf_vocab("bert", tokens, {3, 3}, true));
  EXPECT_THROW((void)Tokenizer::from_gguf(formats::GgufFile(dir / "short.gguf")), Error);
}

TEST(FromParts, InMemoryVocabulary) {
  tokenizer::TokenizerParts parts;
  parts.vocab = {{"[UNK]", 0}, {"[CLS]", 1}, {"[SEP]", 2}, {"hi", 3}, {"##ya", 4}};
  parts.added_tokens = {{.content = "[CLS]", .id = 1}, {.content = "[SEP]", .id = 2}};
  parts.post_processor = tokenizer::PostProcessor::bert(1, 2);
  const Tokenizer t = Tokenizer::from_parts(parts);
  EXPECT_EQ(t.encode("HIya hi").ids, (Ids{1, 3, 4, 3, 2}));
  EXPECT_EQ(t.pad_id(), -1);
}

}  // namespace
}  // namespace molt::test
