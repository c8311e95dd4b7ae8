// The store commands with a real model (../shared/models/static-b, a BERT-format model):
// `molt ingest --model` stores exactly the vectors `molt embed` computes (Matryoshka
// truncation included), `molt search` embeds the query text with the space's recorded model,
// and a model that is not the space's is refused.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

const char* const kTexts[] = {
    "Vitamin D deficiency is common in elderly people and exacerbates osteoporosis.",
    "Myeloperoxidase acts as a profibrotic mediator of atrial fibrillation.",
    "Simvastatin reduces platelet-endocardial adhesion in rabbits.",
    "Long-term immune deficiency after allogeneic stem cell transplantation.",
    "Insulin resistance in skeletal muscle precedes type 2 diabetes.",
    "Sunlight exposure drives the cutaneous production of cholecalciferol.",
};

class StoreModel : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_MODEL("static-b/model.safetensors");
    model_ = (models_dir() / "static-b").string();
    db_ = (tmp_ / "db").string();
    for (std::size_t i = 0; i < std::size(kTexts); ++i) {
      input_ += nlohmann::json({{"id", "d" + std::to_string(i)}, {"text", kTexts[i]}}).dump() + "\n";
    }
  }
  ProcessResult molt(const std::vector<std::string>& args, const std::string& in = {}) {
    ProcessOptions o;
    o.stdin_data = in;
    return run_molt(args, o);
  }
  // `molt embed`'s vectors of the texts, by id.
  std::map<std::string, std::vector<float>> embedded(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"embed", "--model", model_};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = molt(args, input_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::vector<float>> out;
    for (const auto& j : parse_jsonl(r.out)) out[j["id"]] = j["embedding"].get<std::vector<float>>();
    return out;
  }
  std::map<std::string, std::vector<float>> stored(const std::string& collection, const std::string& space = "") {
    std::vector<std::string> args = {"export", "--db", db_, "--collection", collection};
    if (!space.empty()) args.insert(args.end(), {"--space", space});
    const auto r = molt(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::vector<float>> out;
    for (const auto& j : parse_jsonl(r.out)) out[j["id"]] = j["vector"].get<std::vector<float>>();
    return out;
  }

  TempDir tmp_;
  std::string model_;
  std::string db_;
  std::string input_;
};

TEST_F(StoreModel, IngestStoresWhatEmbedComputesAndSearchEmbedsTheQuery) {
  const auto r = molt({"ingest", "--db", db_, "--collection", "kb", "--create", "--model", model_, "--summary"}, input_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["space"], "static-b");
  EXPECT_EQ(stored("kb"), embedded());

  // The space records the model: a search by text needs no --model, from any folder.
  const auto hits = molt({"search", "--db", db_, "--collection", "kb", "--k", "2", "vitamin D and osteoporosis"});
  ASSERT_EQ(hits.exit_code, 0) << hits.err;
  const auto lines = parse_jsonl(hits.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["id"], "d0");
  // A document's own text finds it first, at cosine 1.
  const auto self = parse_jsonl(molt({"search", "--db", db_, "--collection", "kb", "--k", "1", kTexts[2]}).out);
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0]["id"], "d2");
  EXPECT_NEAR(self[0]["score"].get<double>(), 1.0, 1e-5);

  // Later ingests embed with the recorded model too, without --model.
  const std::string more = nlohmann::json({{"id", "new"}, {"text", "Vitamin D supplements for bone health"}}).dump() + "\n";
  ASSERT_EQ(molt({"ingest", "--db", db_, "--collection", "kb"}, more).exit_code, 0);
  EXPECT_EQ(stored("kb").size(), std::size(kTexts) + 1);
}

// Vectors a model made elsewhere, imported with --model: the space records the model, so a
// search by text embeds the query with it.
TEST_F(StoreModel, ImportedVectorsKnowTheirModel) {
  const auto npy = (tmp_ / "v.npy").string();
  ASSERT_EQ(molt({"embed", "--model", model_, "--format", "npy", "--output", npy}, input_).exit_code, 0);
  std::string ids;
  for (std::size_t i = 0; i < std::size(kTexts); ++i) ids += "d" + std::to_string(i) + "\n";
  std::ofstream(tmp_ / "ids.txt") << ids;
  std::ofstream(tmp_ / "docs.jsonl") << input_;
  const auto r = molt({"import", "--db", db_, "--collection", "kb", "--create", "--vectors", npy, "--ids",
                       (tmp_ / "ids.txt").string(), "--docs", (tmp_ / "docs.jsonl").string(), "--model", model_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["space"], "static-b");
  const auto self = parse_jsonl(molt({"search", "--db", db_, "--collection", "kb", "--k", "1", kTexts[4]}).out);
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0]["id"], "d4");
  EXPECT_NEAR(self[0]["score"].get<double>(), 1.0, 1e-5);
}

TEST_F(StoreModel, MatryoshkaSpacesStoreTruncatedVectors) {
  const auto r = molt({"ingest", "--db", db_, "--collection", "kb", "--create", "--model", model_, "--dim", "128",
                       "--summary"},
                      input_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["space"], "static-b-128");
  const auto want = embedded({"--dim", "128"});
  const auto got = stored("kb");
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [id, v] : got) {
    ASSERT_EQ(v.size(), 128u);
    EXPECT_EQ(v, want.at(id)) << id;
  }
}

TEST_F(StoreModel, AModelThatIsNotTheSpacesIsRefused) {
  MOLT_REQUIRE_MODEL("static-a/model.safetensors");
  const std::string other = (models_dir() / "static-a").string();
  ASSERT_EQ(molt({"ingest", "--db", db_, "--collection", "kb", "--create", "--model", model_}, input_).exit_code, 0);
  const auto wrong_ingest = molt({"ingest", "--db", db_, "--collection", "kb", "--model", other}, input_);
  EXPECT_EQ(wrong_ingest.exit_code, 2);
  EXPECT_NE(wrong_ingest.err.find("is not the model of any space"), std::string::npos) << wrong_ingest.err;
  const auto wrong_search = molt({"search", "--db", db_, "--collection", "kb", "--model", other, "vitamin"});
  EXPECT_EQ(wrong_search.exit_code, 1);
  EXPECT_NE(wrong_search.err.find("is not the model space"), std::string::npos) << wrong_search.err;
  // A prompt the model does not have, or a dimension beyond it: refused before writing.
  const auto bad_prompt = molt({"ingest", "--db", db_, "--collection", "other", "--create", "--model", model_,
                                "--query-prompt", "nope"},
                               input_);
  EXPECT_EQ(bad_prompt.exit_code, 2) << bad_prompt.err;
  const auto bad_dim = molt({"ingest", "--db", db_, "--collection", "other", "--create", "--model", model_, "--dim",
                             "4096"},
                            input_);
  EXPECT_EQ(bad_dim.exit_code, 2) << bad_dim.err;
  const auto listing = molt({"collections", "--db", db_});
  EXPECT_EQ(parse_jsonl(listing.out).size(), 1u);  // "other" was never created
}

}  // namespace
}  // namespace molt::test
