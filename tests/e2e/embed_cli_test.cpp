// `molt embed` as a process: every BERT fixture file through the CLI with its molt_args
// (cosine >= 0.99999, max |Δ| <= 1e-5 per line), JSONL and .npy output, the static
// zero-layer models, a model pulled from a loopback Hub, and broken model folders, each of
// which must exit 2 with one line naming the file and the tensor or field.
#include <algorithm>
#include <cmath>
#include <functional>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "molt/formats/npy.h"
#include "tests/support/embedding_fixtures.h"
#include "tests/support/fake_hub.h"
#include "tests/support/format_writers.h"
#include "tests/support/jsonl_file.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {
namespace fs = std::filesystem;

// JSONL input for the fixture's lines: {"id": n, "text": ...}.
std::string input_of(const ExpectedFile& file) {
  std::string in;
  for (const auto& line : file.lines) in += nlohmann::json{{"id", line.id}, {"text", line.text}}.dump() + "\n";
  return in;
}



void expect_matches(const ExpectedFile& file, const std::string& out) {
  const auto lines = parse_jsonl(out);
  ASSERT_EQ(lines.size(), file.lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& want = file.lines[i];
    EXPECT_EQ(lines[i]["id"], want.id);
    const auto got = lines[i]["embedding"].get<std::vector<float>>();
    const Agreement a = compare_vectors(got, want.embedding);
    EXPECT_GE(a.cosine, kMinCosine) << file.path << " line " << i;
    EXPECT_LE(a.max_abs, kMaxAbsDiff) << file.path << " line " << i;
  }
}

class EmbedCli : public ::testing::TestWithParam<FixtureModel> {};

TEST_P(EmbedCli, EveryExpectedFileThroughTheCommandLine) {
  const FixtureModel& m = GetParam();
  MOLT_REQUIRE_FIXTURE(m.fixture_dir.lexically_relative(fixtures_dir()));
  if (m.generated) {
    MOLT_REQUIRE_GENERATED(m.model_dir.filename().string());
  }
  TempDir tmp;
  for (const auto& file : read_expected_files(m)) {
    SCOPED_TRACE(file.path.string());
    std::vector<std::string> args = {"embed", "--model", m.model_dir.string()};
    for (const auto& a : split_args(file.molt_args)) args.push_back(a);
    const auto r = run_molt(args, offline_options(tmp.path(), input_of(file)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_matches(file, r.out);
  }
}

std::string model_name(const ::testing::TestParamInfo<FixtureModel>& p) {
  std::string name = p.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EmbedCli, ::testing::ValuesIn(embedding_fixture_models()), model_name);

TEST(EmbedCliOutput, NpyMatrixEqualsTheJsonlRowsAndIdsAreOptional) {
  MOLT_REQUIRE_FIXTURE("tiny-bert");
  TempDir tmp;
  const std::string model = (fixtures_dir() / "tiny-bert").string();
  const std::string input = "{\"text\": \"hello\"}\n\n{\"id\": \"b\", \"text\": \"world\"}\n{\"id\": 7, \"text\": \"\"}\n";
  const auto jsonl = run_molt({"embed", "--model", model}, offline_options(tmp.path(), input));
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  const auto lines = parse_jsonl(jsonl.out);
  ASSERT_EQ(lines.size(), 3u);  // the blank line is skipped
  EXPECT_FALSE(lines[0].contains("id"));
  EXPECT_EQ(lines[1]["id"], "b");
  EXPECT_EQ(lines[2]["id"], 7);

  const fs::path npy = tmp / "out.npy";
  const auto r = run_molt({"embed", "--model", model, "--format", "npy", "--output", npy.string()},
                          offline_options(tmp.path(), input));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const auto matrix = formats::read_npy_file(npy);
  ASSERT_EQ(matrix.shape(), (tensor::Shape{3, 16}));
  const auto values = matrix.values<float>();
  for (std::size_t i = 0; i < 3; ++i) {
    const auto row = lines[i]["embedding"].get<std::vector<float>>();
    for (std::size_t j = 0; j < 16; ++j) EXPECT_EQ(values[i * 16 + j], row[j]);  // 9 digits round-trip
  }
  // An empty input is an empty matrix, still a valid .npy.
  const auto empty = run_molt({"embed", "--model", model, "--format", "npy", "--output", npy.string()},
                              offline_options(tmp.path(), ""));
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(formats::read_npy_file(npy).shape(), (tensor::Shape{0, 16}));
}

TEST(EmbedCliOutput, UsageErrorsExitTwoAndWriteNothing) {
  MOLT_REQUIRE_FIXTURE("tiny-bert-cls");
  TempDir tmp;
  const std::string model = (fixtures_dir() / "tiny-bert-cls").string();
  const fs::path out = tmp / "out.jsonl";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--precision", "fp64"}, "unknown --precision"},
      {{"--prompt", "passage"}, "no prompt 'passage'"},
      {{"--dim", "49"}, "larger than the model's"},
      {{"--format", "csv"}, "unknown --format"},
      {{"--prompt", "query", "--prefix", "x"}, "excludes"},
  };
  for (const auto& [extra, text] : cases) {
    std::vector<std::string> args = {"embed", "--model", model, "--output", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_molt(args, offline_options(tmp.path(), "{\"text\": \"x\"}\n"));
    EXPECT_EQ(r.exit_code, 2) << extra[0] << ": " << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  const auto bad_line = run_molt({"embed", "--model", model, "--output", out.string()},
                                 offline_options(tmp.path(), "{\"text\": \"x\"}\n{\"text\": 3}\n"));
  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_NE(bad_line.err.find("line 2"), std::string::npos) << bad_line.err;
  EXPECT_FALSE(fs::exists(out));
}

// The zero-layer static models: they load and embed (unit vectors of their width, the same
// text giving the same vector, different texts different ones).
TEST(EmbedCliStatic, StaticModelsLoadAndEmbed) {
  for (const auto& [name, dim] : {std::pair<std::string, std::size_t>{"static-a", 384}, {"static-b", 768}}) {
    MOLT_REQUIRE_MODEL(name);
    TempDir tmp;
    const std::string input =
        "{\"id\": 1, \"text\": \"Glucose metabolism in pancreatic beta cells\"}\n"
        "{\"id\": 2, \"text\": \"Glucose metabolism in pancreatic beta cells\"}\n"
        "{\"id\": 3, \"text\": \"A randomized trial of vitamin D supplementation\"}\n";
    const auto r = run_molt({"embed", "--model", (models_dir() / name).string()}, offline_options(tmp.path(), input));
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    const auto lines = parse_jsonl(r.out);
    ASSERT_EQ(lines.size(), 3u);
    std::vector<std::vector<float>> v;
    for (const auto& l : lines) v.push_back(l["embedding"].get<std::vector<float>>());
    ASSERT_EQ(v[0].size(), dim) << name;
    double norm = 0.0;
    for (const float x : v[0]) norm += static_cast<double>(x) * x;
    EXPECT_NEAR(norm, 1.0, 1e-5) << name;
    EXPECT_EQ(v[0], v[1]) << name;
    EXPECT_LT(compare_vectors(v[0], v[2]).cosine, 0.99) << name;
  }
}

// A model pulled from a Hub on loopback embeds exactly like the fixture folder it came from,
// by its id, first through `molt pull`, then on first use by `molt embed` itself.
TEST(EmbedCliHub, PulledModelEmbedsLikeItsFixture) {
  MOLT_REQUIRE_FIXTURE("tiny-bert");
  const FixtureModel tiny = embedding_fixture_models().front();
  const ExpectedFile file = read_expected_file(tiny, fixtures_dir() / "tiny-bert" / "expected.jsonl");
  FakeHub hub;
  hub.add_repo_from_folder("org/tiny-bert", fixtures_dir() / "tiny-bert");
  hub.add_repo_from_folder("org/tiny-bert-copy", fixtures_dir() / "tiny-bert");
  TempDir tmp;
  ProcessOptions o = offline_options(tmp / "hf", input_of(file));
  o.env["HF_HUB_OFFLINE"] = "";
  o.env["HF_ENDPOINT"] = hub.endpoint();
  const auto pull = run_molt({"pull", "org/tiny-bert"}, o);
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  const auto r = run_molt({"embed", "--model", "org/tiny-bert"}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_matches(file, r.out);
  // Found nowhere locally: downloaded on first use, then embedded.
  const auto first_use = run_molt({"embed", "--model", "org/tiny-bert-copy"}, o);
  ASSERT_EQ(first_use.exit_code, 0) << first_use.err;
  expect_matches(file, first_use.out);
}

// A copy of the tiny-bert fixture with one thing broken.
class BrokenModel : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert");
    fs::create_directories(dir());
    for (const auto& entry : fs::recursive_directory_iterator(fixtures_dir() / "tiny-bert")) {
      const fs::path rel = fs::relative(entry.path(), fixtures_dir() / "tiny-bert");
      if (entry.is_directory()) {
        fs::create_directories(dir() / rel);
      } else {
        fs::copy_file(entry.path(), dir() / rel);
        fs::permissions(dir() / rel, fs::perms::owner_write, fs::perm_options::add);
      }
    }
  }
  fs::path dir() const { return tmp_ / "model"; }

  // Rewrites model.safetensors with its header changed by `edit`; the data stays as it is.
  void edit_header(const std::function<void(nlohmann::ordered_json&)>& edit) {
    const std::string bytes = read_file(dir() / "model.safetensors");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    auto header = nlohmann::ordered_json::parse(bytes.substr(8, n));
    edit(header);
    write_bytes(dir() / "model.safetensors", safetensors_bytes(header.dump(), bytes.substr(8 + n)));
  }
  void edit_config(const std::function<void(nlohmann::ordered_json&)>& edit) {
    auto config = nlohmann::ordered_json::parse(read_file(dir() / "config.json"));
    edit(config);
    write_bytes(dir() / "config.json", config.dump(2));
  }

  // Runs molt embed on the broken copy: exit 2, one line naming every part of `names`.
  void expect_refused(const std::vector<std::string>& names) {
    const auto r = run_molt({"embed", "--model", dir().string()}, offline_options(tmp_.path(), "{\"text\": \"hello\"}\n"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(r.err.starts_with("molt: error: ")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const std::string& name : names) EXPECT_NE(r.err.find(name), std::string::npos) << name << " in " << r.err;
  }

  TempDir tmp_;
};

TEST_F(BrokenModel, TruncatedWeights) {
  fs::resize_file(dir() / "model.safetensors", fs::file_size(dir() / "model.safetensors") - 100);
  expect_refused({"model.safetensors", "tensor "});
}

TEST_F(BrokenModel, OverlappingOffsets) {
  // The last tensor in the data section moved 4 bytes back, into the one before it.
  std::string last;
  edit_header([&](auto& h) {
    std::uint64_t last_begin = 0;
    for (auto it = h.begin(); it != h.end(); ++it) {
      if (it.key() == "__metadata__") continue;
      const auto begin = (*it)["data_offsets"][0].template get<std::uint64_t>();
      if (begin >= last_begin) {
        last_begin = begin;
        last = it.key();
      }
    }
    auto& range = h[last]["data_offsets"];
    range = {range[0].template get<std::uint64_t>() - 4, range[1].template get<std::uint64_t>() - 4};
  });
  expect_refused({"model.safetensors", "overlap", "tensor " + last});
}

TEST_F(BrokenModel, OffsetsPastTheEnd) {
  edit_header([](auto& h) {
    auto& range = h["pooler.dense.bias"]["data_offsets"];
    const std::uint64_t begin = range[0].template get<std::uint64_t>() + 4096;
    range = {begin, begin + 64};
  });
  expect_refused({"model.safetensors", "pooler.dense.bias"});
}

TEST_F(BrokenModel, ShapeDisagreeingWithConfig) {
  edit_config([](auto& c) { c["intermediate_size"] = 32; });
  expect_refused({"model.safetensors", "tensor encoder.layer.0.intermediate.dense.weight", "[64, 16]", "[32, 16]"});
}

TEST_F(BrokenModel, MissingTensor) {
  edit_header([](auto& h) {
    h["encoder.layer.1.output.dense.bias_renamed"] = h["encoder.layer.1.output.dense.bias"];
    h.erase("encoder.layer.1.output.dense.bias");
  });
  expect_refused({"model.safetensors", "missing tensor", "encoder.layer.1.output.dense.bias"});
}

TEST_F(BrokenModel, UnsupportedModelType) {
  edit_config([](auto& c) { c["model_type"] = "gpt2"; });
  expect_refused({"config.json", "model_type", "gpt2"});
}

TEST_F(BrokenModel, UnsupportedActivation) {
  edit_config([](auto& c) { c["hidden_act"] = "mish"; });
  expect_refused({"config.json", "hidden_act", "mish"});
}

TEST_F(BrokenModel, NotAModelFolder) {
  fs::remove(dir() / "config.json");
  const auto r = run_molt({"embed", "--model", dir().string()}, offline_options(tmp_.path(), "{\"text\": \"x\"}\n"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace molt::test
