// `molt pull` and `molt models` as processes, with HF_ENDPOINT pointing at a Hugging Face Hub
// on loopback (FakeHub) serving the tiny-bert fixture, and HF_HOME at a fresh folder.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/file_io.h"
#include "tests/support/fake_hub.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {
namespace fs = std::filesystem;

constexpr const char* kId = "org/tiny-bert";

class PullCli : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert");
    fixture_ = read_folder(fixtures_dir() / "tiny-bert");
    hub_.add_repo(kId, fixture_);
  }

  // The parent's Hugging Face settings must not leak in: empty means unset to molt.
  ProcessOptions env(std::map<std::string, std::string> extra = {}) const {
    ProcessOptions o;
    o.env = {{"HF_ENDPOINT", hub_.endpoint()}, {"HF_HOME", (tmp_ / "hf").string()},
             {"HF_HUB_CACHE", ""},             {"HUGGINGFACE_HUB_CACHE", ""},
             {"HF_TOKEN", ""},                 {"HUGGING_FACE_HUB_TOKEN", ""},
             {"HF_HUB_OFFLINE", ""},           {"TRANSFORMERS_OFFLINE", ""},
             {"MOLT_MODELS", ""}};
    for (auto& [k, v] : extra) o.env[k] = v;
    o.timeout = std::chrono::minutes(2);
    return o;
  }

  TempDir tmp_;
  FakeHub hub_;
  std::map<std::string, std::string> fixture_;
};

TEST_F(PullCli, PullsIntoTheCacheAndModelsListsIt) {
  const auto r = run_molt({"pull", kId, "--progress"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  const std::string commit = FakeHub::default_commit(kId);
  EXPECT_EQ(out["id"], kId);
  EXPECT_EQ(out["commit"], commit);
  const fs::path snapshot = tmp_ / "hf" / "hub" / "models--org--tiny-bert" / "snapshots" / commit;
  EXPECT_EQ(out["path"], snapshot.string());
  std::uint64_t size = 0;
  for (const auto& f : out["files"]) {
    const std::string path = f.get<std::string>();
    EXPECT_TRUE(read_file(snapshot / path) == fixture_.at(path)) << path;
    size += fixture_.at(path).size();
  }
  EXPECT_EQ(out["files"].size(), fixture_.size() - 2);  // all but expected*.jsonl
  EXPECT_FALSE(out["offline"].get<bool>());
  // The progress bar: stage, bytes in binary units, percentage.
  EXPECT_NE(r.err.find("download"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MiB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("100%"), std::string::npos) << r.err;

  const auto models = run_molt({"models", "--json"}, env());
  ASSERT_EQ(models.exit_code, 0) << models.err;
  const auto listed = nlohmann::json::parse(models.out);
  ASSERT_EQ(listed["models"].size(), 1u) << models.out;
  const auto& m = listed["models"][0];
  EXPECT_EQ(m["id"], kId);
  EXPECT_EQ(m["source"], "hf-cache");
  EXPECT_EQ(m["architecture"], "bert");
  EXPECT_EQ(m["dimension"], 16);
  EXPECT_EQ(m["max_length"], 100);
  EXPECT_EQ(m["format"], "safetensors");
  EXPECT_EQ(m["commit"], commit);
  EXPECT_EQ(m["size_bytes"], size);
  EXPECT_EQ(listed["cache_dir"], (tmp_ / "hf" / "hub").string());

  // Offline, the cached model is still listed and resolved; no request reaches the Hub.
  hub_.clear_requests();
  const auto one = run_molt({"models", kId}, env({{"HF_HUB_OFFLINE", "1"}}));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find(snapshot.string()), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("bert"), std::string::npos) << one.out;
  const auto again = run_molt({"pull", kId}, env({{"HF_HUB_OFFLINE", "1"}}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(nlohmann::json::parse(again.out)["offline"].get<bool>());
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(PullCli, KilledMidDownloadLeavesNothingThatLooksCompleteAndResumes) {
  hub_.throttle(kId, "model.safetensors", std::chrono::milliseconds(40));
  const fs::path repo = tmp_ / "hf" / "hub" / "models--org--tiny-bert";
  const std::string sha = FakeHub::sha256_hex(fixture_.at("model.safetensors"));
  const fs::path partial = repo / "blobs" / (sha + ".incomplete");
  {
    BackgroundProcess pull({molt_binary().string(), "pull", kId}, env(), tmp_.path());
    std::error_code ec;
    for (int i = 0; i < 1000 && !(fs::exists(partial, ec) && fs::file_size(partial, ec) > 0); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pull.signal(SIGKILL);
    const auto killed = pull.wait();
    EXPECT_EQ(killed.term_signal, SIGKILL);
  }
  ASSERT_TRUE(fs::exists(partial));
  const auto have = fs::file_size(partial);
  EXPECT_GT(have, 0u);
  EXPECT_LT(have, fixture_.at("model.safetensors").size());
  EXPECT_FALSE(fs::exists(repo / "blobs" / sha));
  EXPECT_FALSE(fs::exists(repo / "snapshots" / FakeHub::default_commit(kId) / "model.safetensors"));
  EXPECT_FALSE(fs::exists(repo / "refs" / "main"));
  // Whatever a listing shows of the interrupted snapshot, the weights are not in it.
  const auto listed = run_molt({"models", "--json"}, env());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto listing = nlohmann::json::parse(listed.out);
  for (const auto& m : listing["models"]) {
    EXPECT_FALSE(fs::exists(fs::path(m["path"].get<std::string>()) / "model.safetensors")) << listed.out;
  }

  hub_.throttle(kId, "model.safetensors", std::chrono::milliseconds(0));
  hub_.clear_requests();
  const auto resumed = run_molt({"pull", kId}, env());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const fs::path snapshot = nlohmann::json::parse(resumed.out)["path"].get<std::string>();
  EXPECT_TRUE(read_file(snapshot / "model.safetensors") == fixture_.at("model.safetensors"));
  bool ranged = false;
  for (const auto& r : hub_.requests()) ranged = ranged || r.range == "bytes=" + std::to_string(have) + "-";
  EXPECT_TRUE(ranged) << "the second pull did not resume from byte " << have;
}

TEST_F(PullCli, IncludeIsRepeatable) {
  const auto r = run_molt({"pull", "--include", "*.json", "--include", "vocab.txt", kId}, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  bool has_vocab = false;
  for (const auto& f : out["files"]) {
    const std::string path = f.get<std::string>();
    EXPECT_TRUE(path.ends_with(".json") || path == "vocab.txt") << path;
    has_vocab = has_vocab || path == "vocab.txt";
  }
  EXPECT_TRUE(has_vocab);
}

TEST_F(PullCli, ModelsFindsMoltModelsFolders) {
  const auto r = run_molt({"models", "--json"}, env({{"MOLT_MODELS", fixtures_dir().string()}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto listed = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& m : listed["models"]) {
    if (m["id"] == "tiny-bert") {
      found = true;
      EXPECT_EQ(m["source"], "MOLT_MODELS");
      EXPECT_EQ(m["path"], (fixtures_dir() / "tiny-bert").string());
      EXPECT_EQ(m["dimension"], 16);
    }
  }
  EXPECT_TRUE(found) << r.out;
  // org/name finds a name/ folder of MOLT_MODELS too, without the network.
  const auto one = run_molt({"models", "sentence-transformers/tiny-bert"},
                            env({{"MOLT_MODELS", fixtures_dir().string()}, {"HF_ENDPOINT", "http://127.0.0.1:1"}}));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("MOLT_MODELS"), std::string::npos) << one.out;
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(PullCli, ClearErrorsAndExitCodes) {
  const auto offline = run_molt({"pull", "org/elsewhere"}, env({{"HF_HUB_OFFLINE", "1"}}));
  EXPECT_EQ(offline.exit_code, 2);
  EXPECT_EQ(offline.err.rfind("molt: error: offline mode is on (HF_HUB_OFFLINE)", 0), 0u) << offline.err;
  EXPECT_EQ(hub_.request_count(), 0u);

  const auto unknown = run_molt({"pull", "org/absent"}, env());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("gated or private: set HF_TOKEN"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("HTTP 401"), std::string::npos) << unknown.err;

  const auto revision = run_molt({"pull", kId, "--revision", "v9"}, env());
  EXPECT_EQ(revision.exit_code, 2);
  EXPECT_NE(revision.err.find("no such revision"), std::string::npos) << revision.err;

  const auto bad_id = run_molt({"pull", "not/a/valid/id"}, env());
  EXPECT_EQ(bad_id.exit_code, 2);
  EXPECT_NE(bad_id.err.find("not a Hugging Face model id"), std::string::npos) << bad_id.err;

  const auto not_local = run_molt({"models", "org/absent"}, env());
  EXPECT_EQ(not_local.exit_code, 2);
  EXPECT_NE(not_local.err.find("molt pull org/absent"), std::string::npos) << not_local.err;

  const auto unreachable = run_molt({"pull", kId}, env({{"HF_ENDPOINT", "http://127.0.0.1:1"}}));
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.err.find("cannot reach http://127.0.0.1:1"), std::string::npos) << unreachable.err;
  // One line each, as CONTRACT.md wants.
  for (const auto* r : {&offline, &unknown, &revision, &bad_id, &not_local, &unreachable}) {
    EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
  }
}

TEST_F(PullCli, GatedModelNeedsHfToken) {
  hub_.require_token(kId, "hf_secret", /*gated=*/true);
  const auto denied = run_molt({"pull", kId}, env());
  EXPECT_EQ(denied.exit_code, 2);
  EXPECT_NE(denied.err.find("is gated"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find("HF_TOKEN is not set"), std::string::npos) << denied.err;
  const auto ok = run_molt({"pull", kId}, env({{"HF_TOKEN", "hf_secret"}}));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  // The token file `huggingface-cli login` writes works as well.
  fs::remove_all(tmp_ / "hf" / "hub");
  write_file_atomic(tmp_ / "hf" / "token", "hf_secret\n");
  const auto from_file = run_molt({"pull", kId}, env());
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
}

}  // namespace
}  // namespace molt::test
