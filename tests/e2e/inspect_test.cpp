// `molt inspect`: one JSON object per file, exit 2 with the file and tensor or field named
// for broken files.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "molt/formats/npy.h"
#include "molt/formats/npz.h"
#include "tests/support/format_writers.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

json inspect_ok(const std::vector<std::string>& args) {
  const auto r = run_molt(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  return json::parse(r.out);
}

TEST(Inspect, DescribesSafetensors) {
  MOLT_REQUIRE_FIXTURE("tiny-bert/model.safetensors");
  const auto path = (fixtures_dir() / "tiny-bert" / "model.safetensors").string();
  const json out = inspect_ok({"inspect", path});
  EXPECT_EQ(out["format"], "safetensors");
  EXPECT_EQ(out["metadata"]["format"], "pt");
  EXPECT_EQ(out["header_size"], 4176);
  EXPECT_EQ(out["data_offset"], 4184);
  ASSERT_EQ(out["tensors"].size(), 40u);
  const json& ids = out["tensors"][3];
  EXPECT_EQ(ids["name"], "embeddings.position_ids");
  EXPECT_EQ(ids["dtype"], "I64");
  EXPECT_EQ(ids["shape"], json({1, 128}));
  EXPECT_EQ(ids["data_offsets"], json({8320, 9344}));
}

TEST(Inspect, DescribesGguf) {
  MOLT_REQUIRE_FIXTURE("gguf/tiny-bert-q8_0.gguf");
  const auto path = (fixtures_dir() / "gguf" / "tiny-bert-q8_0.gguf").string();
  const json out = inspect_ok({"inspect", path});
  EXPECT_EQ(out["format"], "gguf");
  EXPECT_EQ(out["version"], 3);
  EXPECT_EQ(out["alignment"], 32);
  EXPECT_EQ(out["metadata"]["general.architecture"]["value"], "bert");
  EXPECT_EQ(out["metadata"]["bert.pooling_type"]["type"], "u32");
  const json& tokens = out["metadata"]["tokenizer.ggml.tokens"];
  EXPECT_EQ(tokens["type"], "array[string]");
  EXPECT_EQ(tokens["length"], 30522);
  EXPECT_EQ(tokens["value"].size(), 16u);
  EXPECT_EQ(tokens["truncated"], true);
  ASSERT_EQ(out["tensors"].size(), 37u);
  int q8 = 0;
  for (const json& t : out["tensors"]) {
    if (t["type"] == "Q8_0") {
      ++q8;
      EXPECT_EQ(t["shape"], json({16, 64}));
      EXPECT_EQ(t["ggml_type"], 8);
      EXPECT_EQ(t["n_bytes"], 16 * 2 * 34);
    }
  }
  EXPECT_EQ(q8, 2);
  const json full = inspect_ok({"inspect", "--full", path});
  EXPECT_EQ(full["metadata"]["tokenizer.ggml.tokens"]["value"].size(), 30522u);
  EXPECT_FALSE(full["metadata"]["tokenizer.ggml.tokens"].contains("truncated"));
}

TEST(Inspect, DescribesNpyAndNpz) {
  const TempDir dir;
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  formats::write_npy_f32(dir / "a.npy", std::vector<std::int64_t>{2, 3}, values);
  const json npy = inspect_ok({"inspect", (dir / "a.npy").string()});
  EXPECT_EQ(npy["format"], "npy");
  EXPECT_EQ(npy["descr"], "<f4");
  EXPECT_EQ(npy["shape"], json({2, 3}));
  EXPECT_EQ(npy["data_offset"], 128);
  EXPECT_EQ(npy["n_bytes"], 24);

  const formats::NpzArray arrays[] = {{"vectors", {3, 2}, values}};
  formats::write_npz_f32(dir / "b.npz", arrays);
  const json npz = inspect_ok({"inspect", (dir / "b.npz").string()});
  EXPECT_EQ(npz["format"], "npz");
  ASSERT_EQ(npz["members"].size(), 1u);
  EXPECT_EQ(npz["members"][0]["name"], "vectors");
  EXPECT_EQ(npz["members"][0]["compression"], "store");
  EXPECT_EQ(npz["members"][0]["shape"], json({3, 2}));
}

TEST(Inspect, BrokenFilesExit2NamingFileAndTensor) {
  const TempDir dir;
  const auto overlap = dir / "overlap.safetensors";
  write_bytes(overlap, safetensors_bytes(
                           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                           std::string(12, '\0')));
  auto r = run_molt({"inspect", overlap.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err.rfind("molt: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("overlap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("file " + overlap.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tensor b"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  MOLT_REQUIRE_FIXTURE("gguf/tiny-nomic-bert-f32.gguf");
  const std::string gguf = read_file(fixtures_dir() / "gguf" / "tiny-nomic-bert-f32.gguf");
  const auto truncated = dir / "truncated.gguf";
  write_bytes(truncated, gguf.substr(0, gguf.size() - 100));
  r = run_molt({"inspect", truncated.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("runs past the end of the file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tensor blk.1."), std::string::npos) << r.err;

  const auto bad_version = dir / "v9.gguf";
  std::string v9 = gguf;
  v9[4] = 9;
  write_bytes(bad_version, v9);
  r = run_molt({"inspect", bad_version.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unsupported GGUF version 9"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("field version"), std::string::npos) << r.err;

  r = run_molt({"inspect", (dir / "missing.gguf").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;

  r = run_molt({"inspect", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
}

TEST(Inspect, HelpDocumentsTheCommand) {
  const auto r = run_molt({"inspect", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--full"), std::string::npos);
  EXPECT_NE(run_molt({"--help"}).out.find("inspect"), std::string::npos);
}

}  // namespace
}  // namespace molt::test
