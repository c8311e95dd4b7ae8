// The BEIR loader (ids, titles, the judged queries only, errors with file and line) and
// MTEB's text assembly.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/eval/beir_dataset.h"
#include "molt/eval/mteb_text.h"
#include "tests/support/test_env.h"

namespace molt::eval {
namespace {

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class BeirDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write(dir_ / "corpus.jsonl",
          "{\"_id\": \"d1\", \"title\": \"Title\", \"text\": \"Body one.\", \"metadata\": {}}\n"
          "{\"_id\": 42, \"text\": \"  no title  \"}\n"
          "\n"
          "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"empty title\"}\n");
    write(dir_ / "queries.jsonl",
          "{\"_id\": \"q2\", \"text\": \" second query \"}\n"
          "{\"_id\": \"q1\", \"text\": \"first\"}\n"
          "{\"_id\": \"q9\", \"text\": \"not judged in test\"}\n");
    write(dir_ / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\r\nq2\td1\t1\r\nq1\t42\t2\r\n");
  }
  test::TempDir tmp_;
  std::filesystem::path dir_ = tmp_ / "ds";
};

TEST_F(BeirDatasetTest, Loads) {
  const BeirDataset ds = load_beir(dir_, "test");
  ASSERT_EQ(ds.corpus.size(), 3u);
  EXPECT_EQ(ds.corpus[0].id, "d1");
  EXPECT_TRUE(ds.corpus[0].has_title);
  EXPECT_EQ(ds.corpus[1].id, "42");  // an integer id becomes its decimal string
  EXPECT_FALSE(ds.corpus[1].has_title);
  ASSERT_EQ(ds.queries.size(), 2u);  // q9 is not judged in this split
  EXPECT_EQ(ds.queries[0].id, "q1");
  EXPECT_EQ(ds.queries[1].text, " second query ");
  EXPECT_EQ(ds.qrels.by_query.at("q1")[0].relevance, 2);
  EXPECT_EQ(document_text(ds.corpus[0]), "Title Body one.");
  EXPECT_EQ(document_text(ds.corpus[1]), "no title");
  EXPECT_EQ(document_text(ds.corpus[2]), "empty title");
  EXPECT_EQ(query_text(ds.queries[1]), " second query ");  // queries are not stripped
}

TEST_F(BeirDatasetTest, ErrorsNameFileAndLine) {
  write(dir_ / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}\n{\"_id\": \"d2\"}\n");
  try {
    load_beir(dir_, "test");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_EQ(e.where().file, (dir_ / "corpus.jsonl").string());
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(e.message().find("text"), std::string::npos);
  }
  write(dir_ / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}\n{not json\n");
  EXPECT_THROW(load_beir(dir_, "test"), Error);
  write(dir_ / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}\n{\"_id\": \"d1\", \"text\": \"y\"}\n");
  try {
    load_beir(dir_, "test");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(e.message().find("duplicate"), std::string::npos);
  }
  write(dir_ / "corpus.jsonl", "{\"_id\": \"d1\", \"title\": 3, \"text\": \"x\"}\n");
  EXPECT_THROW(load_beir(dir_, "test"), Error);
  write(dir_ / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}\n");
  write(dir_ / "qrels" / "dev.tsv", "query-id\tcorpus-id\tscore\nq7\td1\t1\n");
  try {
    load_beir(dir_, "dev");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("q7"), std::string::npos);
    EXPECT_EQ(e.where().file, (dir_ / "queries.jsonl").string());
  }
  try {
    load_beir(dir_, "train");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  EXPECT_THROW(load_beir(tmp_ / "missing", "test"), Error);
}

TEST(MtebText, PythonStrip) {
  EXPECT_EQ(python_strip("  a b  "), "a b");
  EXPECT_EQ(python_strip("\t\n\r\v\f\x1c\x1f x \xc2\x85"), "x");
  EXPECT_EQ(python_strip("\u00a0\u3000\u2003abc\u202f\u2029"), "abc");
  EXPECT_EQ(python_strip("\u200babc\u200b"), "\u200babc\u200b");  // ZWSP is not whitespace
  EXPECT_EQ(python_strip("   "), "");
  EXPECT_EQ(python_strip(""), "");
}

TEST(MtebText, TitleJoinedWithOneSpaceThenStripped) {
  BeirDocument d{.id = "x", .title = " T ", .text = "  body\n", .has_title = true};
  EXPECT_EQ(document_text(d), "T    body");
  d.title = "";
  EXPECT_EQ(document_text(d), "body");
  d.has_title = false;
  d.title = "ignored";
  EXPECT_EQ(document_text(d), "body");
}

}  // namespace
}  // namespace molt::eval
