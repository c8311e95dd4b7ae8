// The store's commands as processes: ingest, search, collections, import and export, their
// outputs, their exit codes and one-line errors for bad input (with nothing of the bad
// batch written), and round trips through every import and export format.
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/formats/id_list.h"
#include "molt/formats/npy.h"
#include "tests/support/faiss_files.h"
#include "tests/support/format_writers.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

std::string corpus(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  const char* words[] = {"insulin", "receptor", "tumour", "growth", "mice", "blood", "immune", "response", "cells"};
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<float> v(dim);
    for (float& x : v) x = g(rng);
    std::string text;
    for (int w = 0; w < 6; ++w) text += std::string(words[rng() % 9]) + " ";
    nlohmann::json j = {{"id", "d" + std::to_string(i)}, {"text", text}, {"vector", v}, {"year", 2018 + static_cast<int>(i % 4)}};
    out += j.dump() + "\n";
  }
  return out;
}

class StoreCli : public ::testing::Test {
 protected:
  void SetUp() override { db_ = (tmp_ / "db").string(); }

  ProcessResult molt(std::vector<std::string> args, const std::string& stdin_data = {}) {
    ProcessOptions o;
    o.stdin_data = stdin_data;
    return run_molt(args, o);
  }
  void ingest(const std::string& collection, const std::string& data, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"ingest", "--db", db_, "--collection", collection, "--create"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = molt(args, data);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json collection_info(const std::string& name) {
    const auto r = molt({"collections", "--db", db_, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json listing = nlohmann::json::parse(r.out);
    for (const auto& c : listing["collections"]) {
      if (c["name"] == name) return c;
    }
    return nullptr;
  }

  TempDir tmp_;
  std::string db_;
};

TEST_F(StoreCli, IngestAcknowledgesEachDocumentAndSearchAnswersInJsonl) {
  const std::string data = corpus(60, 8, 1);
  const auto r = molt({"ingest", "--db", db_, "--collection", "kb", "--create", "--batch-size", "16"}, data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto acks = parse_jsonl(r.out);
  ASSERT_EQ(acks.size(), 60u);
  for (std::size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i]["id"], "d" + std::to_string(i));
    EXPECT_EQ(acks[i]["status"], "inserted");
    EXPECT_EQ(acks[i]["line"], i + 1);
    if (i > 0) {
      EXPECT_GT(acks[i]["seq"], acks[i - 1]["seq"]);
    }
  }
  const nlohmann::json info = collection_info("kb");
  EXPECT_EQ(info["documents"], 60);
  EXPECT_EQ(info["serving"], "default");
  EXPECT_EQ(info["spaces"][0]["dim"], 8);
  EXPECT_EQ(info["spaces"][0]["vectors"], 60);
  EXPECT_EQ(info["spaces"][0]["index"], "hnsw:M=32,efConstruction=128,efSearch=96,exactBelow=10000");

  // Re-ingesting the same ids updates them.
  const std::string update = corpus(10, 8, 2);
  const auto again = molt({"ingest", "--db", db_, "--collection", "kb", "--summary"}, update);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto summary = nlohmann::json::parse(again.out);
  EXPECT_EQ(summary["documents"], 10);
  EXPECT_EQ(summary["updated"], 10);
  EXPECT_EQ(summary["inserted"], 0);

  const auto vec = nlohmann::json::parse(update.substr(0, update.find('\n')))["vector"].dump();
  const auto dense = molt({"search", "--db", db_, "--collection", "kb", "--vector", vec, "--k", "5", "--exact"});
  ASSERT_EQ(dense.exit_code, 0) << dense.err;
  const auto hits = parse_jsonl(dense.out);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0]["id"], "d0");  // its updated vector
  for (const auto& h : hits) {
    EXPECT_TRUE(h.contains("score"));
    EXPECT_TRUE(h.contains("text"));
    EXPECT_FALSE(h.contains("metadata"));
  }
  const auto filtered = molt({"search", "--db", db_, "--collection", "kb", "--mode", "bm25", "--filter", "year=2019",
                              "--k", "100", "--metadata", "insulin"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  const auto fhits = parse_jsonl(filtered.out);
  EXPECT_FALSE(fhits.empty());
  for (const auto& h : fhits) EXPECT_EQ(h["metadata"]["year"], 2019);
  const auto hybrid = molt({"search", "--db", db_, "--collection", "kb", "--mode", "hybrid", "--vector", vec, "mice"});
  ASSERT_EQ(hybrid.exit_code, 0) << hybrid.err;
  EXPECT_EQ(parse_jsonl(hybrid.out).size(), 10u);
}

// Each bad input: exit 2, one line on stderr naming the place, nothing of the batch written.
TEST_F(StoreCli, BadInputIsOneLineExit2AndWritesNothingOfItsBatch) {
  ingest("kb", corpus(5, 4, 3));
  const std::string good = R"({"id":"ok","text":"fine","vector":[1,0,0,0]})";
  struct Case {
    const char* name;
    std::string input;
    const char* where;
  };
  const std::vector<Case> cases = {
      {"wrong dimension", good + "\n" + R"({"id":"w","text":"t","vector":[1,2,3]})" + "\n", "line 2, row w, field vector"},
      {"duplicate id in a batch", good + "\n" + R"({"id":"x","text":"t","vector":[1,0,0,0]})" + "\n" + good + "\n",
       "line 3, row ok, field id"},
      {"malformed JSON", good + "\n" + R"({"id":"m","text":)" + "\n", "line 2"},
      {"missing text", good + "\n" + R"({"id":"n","vector":[1,0,0,0]})" + "\n", "line 2, field text"},
      {"vector of strings", good + "\n" + R"({"id":"s","text":"t","vector":["a",0,0,0]})" + "\n", "line 2, field vector"},
      {"empty id", good + "\n" + R"({"id":"","text":"t","vector":[1,0,0,0]})" + "\n", "line 2"},
  };
  for (const Case& c : cases) {
    const auto r = molt({"ingest", "--db", db_, "--collection", "kb", "--batch-size", "100"}, c.input);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.err;
    EXPECT_EQ(r.err.rfind("molt: error: ", 0), 0u) << c.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.where), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_EQ(collection_info("kb")["documents"], 5) << c.name;
  }
  // The batches before a bad line are written and were acknowledged.
  const auto r = molt({"ingest", "--db", db_, "--collection", "kb", "--batch-size", "1"},
                      good + "\n" + R"({"id":"bad","text":"t","vector":[1]})" + "\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(parse_jsonl(r.out).size(), 1u);
  EXPECT_EQ(collection_info("kb")["documents"], 6);

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"ingest", "--db", db_, "--collection", "nope"},
           {"search", "--db", db_, "--collection", "nope", "--mode", "bm25", "x"},
           {"export", "--db", db_, "--collection", "nope"},
           {"search", "--db", (tmp_ / "no-store").string(), "--collection", "kb", "--mode", "bm25", "x"}}) {
    const auto u = molt(args, good + "\n");
    EXPECT_EQ(u.exit_code, 2) << u.err;
    EXPECT_NE(u.err.find("molt: error: "), std::string::npos);
  }
  for (const char* name : {"../up", "a/b", ".hidden", "x y"}) {
    const auto u = molt({"ingest", "--db", db_, "--collection", name, "--create"}, good + "\n");
    EXPECT_EQ(u.exit_code, 2) << name;
    EXPECT_NE(u.err.find("invalid collection name"), std::string::npos) << u.err;
    const auto a = molt({"collections", "--db", db_, "--alias", std::string(name) + "=kb"});
    EXPECT_EQ(a.exit_code, 2) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "up"));
  const auto bad_filter = molt({"search", "--db", db_, "--collection", "kb", "--mode", "bm25", "--filter", "nokey", "x"});
  EXPECT_EQ(bad_filter.exit_code, 2);
  const auto bad_spec = molt({"ingest", "--db", db_, "--collection", "other", "--create", "--index", "hnsw:Q=1"}, good + "\n");
  EXPECT_EQ(bad_spec.exit_code, 2);
  EXPECT_NE(bad_spec.err.find("unknown parameter 'Q'"), std::string::npos) << bad_spec.err;
}

TEST_F(StoreCli, CollectionsCreateAliasDropAndCheck) {
  ingest("kb_v1", corpus(20, 4, 4));
  ASSERT_EQ(molt({"collections", "--db", db_, "--create", "empty"}).exit_code, 0);
  ASSERT_EQ(molt({"collections", "--db", db_, "--alias", "kb=kb_v1"}).exit_code, 0);
  const auto via_alias = molt({"search", "--db", db_, "--collection", "kb", "--mode", "bm25", "insulin"});
  EXPECT_EQ(via_alias.exit_code, 0) << via_alias.err;
  const auto listing = parse_jsonl(molt({"collections", "--db", db_}).out);
  ASSERT_EQ(listing.size(), 2u);
  EXPECT_EQ(listing[1]["name"], "kb_v1");
  EXPECT_EQ(listing[1]["aliases"], nlohmann::json::array({"kb"}));
  EXPECT_EQ(molt({"collections", "--db", db_, "--drop", "kb_v1"}).exit_code, 1);  // aliased: a conflict
  EXPECT_EQ(molt({"collections", "--db", db_, "--drop-alias", "kb"}).exit_code, 0);
  EXPECT_EQ(molt({"collections", "--db", db_, "--drop", "kb_v1"}).exit_code, 0);
  const auto check = molt({"collections", "--db", db_, "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_EQ(nlohmann::json::parse(check.out)["ok"], true);
}

TEST_F(StoreCli, ExportAndImportRoundTripThroughEveryFormat) {
  ingest("src", corpus(40, 6, 5), {"--index", "flat"});
  const auto original = molt({"export", "--db", db_, "--collection", "src"});
  ASSERT_EQ(original.exit_code, 0) << original.err;
  const auto docs = parse_jsonl(original.out);
  ASSERT_EQ(docs.size(), 40u);

  // JSONL out and back in.
  std::ofstream(tmp_ / "src.jsonl") << original.out;
  auto r = molt({"import", "--db", db_, "--collection", "a", "--create", "--jsonl", (tmp_ / "src.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["documents"], 40);
  EXPECT_EQ(molt({"export", "--db", db_, "--collection", "a"}).out, original.out);

  // .npy + ids (+ texts and metadata from a JSONL file without vectors) and back.
  const auto texts = molt({"export", "--db", db_, "--collection", "src", "--no-vectors"});
  ASSERT_EQ(texts.exit_code, 0) << texts.err;
  std::ofstream(tmp_ / "texts.jsonl") << texts.out;
  r = molt({"export", "--db", db_, "--collection", "src", "--format", "npy", "--output", (tmp_ / "v.npy").string(),
            "--ids", (tmp_ / "ids.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const tensor::Tensor npy = formats::read_npy_file(tmp_ / "v.npy");
  EXPECT_EQ(npy.shape(), (tensor::Shape{40, 6}));
  EXPECT_EQ(formats::read_id_list(tmp_ / "ids.txt").size(), 40u);
  r = molt({"import", "--db", db_, "--collection", "b", "--create", "--vectors", (tmp_ / "v.npy").string(), "--ids",
            (tmp_ / "ids.txt").string(), "--docs", (tmp_ / "texts.jsonl").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(molt({"export", "--db", db_, "--collection", "b"}).out, original.out);

  // .npz and FAISS out and back (vectors and ids; texts empty).
  for (const char* format : {"npz", "faiss"}) {
    const auto file = tmp_ / (std::string("v.") + format);
    r = molt({"export", "--db", db_, "--collection", "src", "--format", format, "--output", file.string(), "--ids",
              (tmp_ / "ids.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string name = std::string("from_") + format;
    r = molt({"import", "--db", db_, "--collection", name, "--create", "--vectors", file.string(), "--ids",
              (tmp_ / "ids.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto back = parse_jsonl(molt({"export", "--db", db_, "--collection", name}).out);
    ASSERT_EQ(back.size(), 40u);
    for (std::size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i]["id"], docs[i]["id"]);
      std::vector<float> a = back[i]["vector"], b = docs[i]["vector"];
      if (std::string(format) == "faiss") {  // a cosine space exports normalized vectors
        double n = 0;
        for (float x : b) n += double(x) * x;
        for (float& x : b) x = static_cast<float>(x / std::sqrt(n));
        for (std::size_t j = 0; j < a.size(); ++j) EXPECT_NEAR(a[j], b[j], 1e-6);
      } else {
        EXPECT_EQ(a, b);
      }
    }
  }
}

TEST_F(StoreCli, ImportsFaissFilesAsFaissWritesThem) {
  const std::size_t dim = 8, n = 300;
  std::mt19937 rng(6);
  std::normal_distribution<float> g;
  std::vector<float> x(n * dim);
  for (float& v : x) v = g(rng);
  std::vector<std::int64_t> labels(n);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<std::int64_t>(i);
    ids.push_back("doc-" + std::to_string(i));
  }
  formats::write_id_list(tmp_ / "ids.txt", ids);
  struct Case {
    const char* factory;
    bool with_ids;
    const char* metric;
  };
  for (const Case& c : {Case{"Flat", false, "ip"}, Case{"HNSW16", false, "ip"}, Case{"IVF4,Flat", true, "l2"},
                        Case{"IDMap2,Flat", true, "ip"}}) {
    const bool l2 = std::string(c.metric) == "l2";
    write_bytes(tmp_ / "in.faiss", faiss_index_bytes(c.factory, static_cast<int>(dim), l2, x,
                                                     c.with_ids ? labels : std::vector<std::int64_t>{}));
    std::string name = std::string("f_") + c.factory;
    for (char& ch : name) {
      if (ch == ',') ch = '_';
    }
    const auto r = molt({"import", "--db", db_, "--collection", name, "--create", "--vectors", (tmp_ / "in.faiss").string(),
                         "--ids", (tmp_ / "ids.txt").string()});
    ASSERT_EQ(r.exit_code, 0) << c.factory << ": " << r.err;
    const nlohmann::json info = collection_info(name);
    EXPECT_EQ(info["documents"], n) << c.factory;
    EXPECT_EQ(info["spaces"][0]["metric"], c.metric) << c.factory;
    const auto back = parse_jsonl(molt({"export", "--db", db_, "--collection", name}).out);
    ASSERT_EQ(back.size(), n);
    for (const auto& d : back) {
      const std::size_t i = std::stoul(d["id"].get<std::string>().substr(4));
      const std::vector<float> v = d["vector"];
      EXPECT_EQ(v, std::vector<float>(x.begin() + i * dim, x.begin() + (i + 1) * dim)) << c.factory << " " << i;
    }
  }
  // A truncated FAISS file: exit 2, nothing created.
  const std::string whole = faiss_index_bytes("Flat", static_cast<int>(dim), false, x);
  write_bytes(tmp_ / "cut.faiss", whole.substr(0, whole.size() / 2));
  const auto r = molt({"import", "--db", db_, "--collection", "cut", "--create", "--vectors", (tmp_ / "cut.faiss").string(),
                       "--ids", (tmp_ / "ids.txt").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cut.faiss"), std::string::npos) << r.err;
  EXPECT_TRUE(collection_info("cut").is_null());
}

TEST_F(StoreCli, EveryStoreCommandDocumentsItsFlags) {
  for (const char* cmd : {"ingest", "search", "collections", "import", "export"}) {
    const auto r = molt({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("--db"), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace molt::test
