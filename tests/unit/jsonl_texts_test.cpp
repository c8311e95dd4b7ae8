#include <sstream>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/formats/jsonl_texts.h"

namespace molt::formats {
namespace {

TEST(JsonlTexts, ReadsRecordsAndSkipsBlankLines) {
  std::istringstream in("{\"text\":\"a\",\"id\":\"x\"}\n\n  \n{\"text\":\"b\",\"id\":7}\n{\"text\":\"c\"}");
  const auto recs = read_text_records(in, "in.jsonl");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].id, "x");
  EXPECT_EQ(recs[1].id, 7);
  EXPECT_TRUE(recs[2].id.is_null());
  EXPECT_EQ(recs[2].text, "c");
  EXPECT_EQ(recs[2].line, 5);
}

TEST(JsonlTexts, ErrorsNameFileAndLine) {
  const char* bad[] = {"{\"text\":1}", "{\"id\":1}", "not json", "[1]", "{\"text\":\"a\",\"id\":1.5}",
                       "{\"text\":\"a\",\"id\":1e999}"};
  for (const char* line : bad) {
    std::istringstream in(std::string("{\"text\":\"ok\"}\n") + line + "\n");
    try {
      read_text_records(in, "in.jsonl");
      FAIL() << "accepted: " << line;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_EQ(e.where().file, "in.jsonl");
      EXPECT_EQ(e.where().line, 2);
    }
  }
}

}  // namespace
}  // namespace molt::formats
