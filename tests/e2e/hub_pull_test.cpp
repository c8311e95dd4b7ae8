// molt pull and --model resolution against a Hugging Face Hub on loopback (FakeHub) serving
// the tiny-bert fixture: a full pull into a fresh cache, resumption after a cut connection,
// a corrupted blob refused, offline mode, the Hub's 401/403/404 answers, and a model already
// in a Hugging Face cache found without a single request.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/hub/model_resolver.h"
#include "molt/hub/pull.h"
#include "molt/hub/repo_id.h"
#include "tests/support/fake_hub.h"
#include "tests/support/test_env.h"

namespace molt::hub {
namespace {
namespace fs = std::filesystem;

constexpr const char* kId = "org/tiny-bert";

class HubPull : public ::testing::Test {
 protected:
  void SetUp() override {
    MOLT_REQUIRE_FIXTURE("tiny-bert");
    fixture_ = test::read_folder(test::fixtures_dir() / "tiny-bert");
    hub_.add_repo(kId, fixture_);
    commit_ = test::FakeHub::default_commit(kId);
    weights_sha_ = test::FakeHub::sha256_hex(fixture_.at("model.safetensors"));
  }

  HubOptions options() const {
    HubOptions o;
    o.cache_dir = tmp_ / "hub";
    o.endpoint = hub_.endpoint();
    o.retry_wait = std::chrono::milliseconds(10);
    return o;
  }

  fs::path repo_dir() const { return tmp_ / "hub" / "models--org--tiny-bert"; }
  fs::path blob(const std::string& etag) const { return repo_dir() / "blobs" / etag; }

  // The files a default pull takes: everything but the fixture's golden outputs.
  std::vector<std::string> default_files() const {
    std::vector<std::string> out;
    for (const auto& [path, data] : fixture_) {
      if (!path.starts_with("expected")) out.push_back(path);
    }
    return out;
  }

  std::vector<test::FakeHub::Request> requests_to(std::string_view prefix) const {
    std::vector<test::FakeHub::Request> out;
    for (const auto& r : hub_.requests()) {
      if (r.path.starts_with(prefix)) out.push_back(r);
    }
    return out;
  }

  void expect_snapshot_matches_fixture(const fs::path& snapshot, const std::vector<std::string>& files) const {
    for (const auto& path : files) {
      const fs::path file = snapshot / path;
      ASSERT_TRUE(fs::is_symlink(file)) << file;
      EXPECT_TRUE(fs::read_symlink(file).is_relative()) << file;
      EXPECT_TRUE(read_file(file) == fixture_.at(path)) << path << " differs from the fixture";
    }
  }

  void expect_nothing_half_written() const {
    for (const auto& e : fs::recursive_directory_iterator(tmp_.path())) {
      const std::string name = e.path().filename().string();
      EXPECT_FALSE(name.ends_with(".incomplete")) << e.path();
      EXPECT_EQ(name.find(".tmp."), std::string::npos) << e.path();
    }
  }

  template <typename F>
  Error expect_error(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no molt::Error thrown";
    return internal_error("none");
  }

  test::TempDir tmp_;
  test::FakeHub hub_;
  std::map<std::string, std::string> fixture_;
  std::string commit_;
  std::string weights_sha_;
};

TEST_F(HubPull, FullPullIntoAFreshCache) {
  std::vector<Progress> progress;
  PullOptions pull;
  pull.progress = [&](const Progress& p) { progress.push_back(p); };
  const PullResult result = pull_model(*parse_repo_id(kId), options(), pull);

  EXPECT_EQ(result.commit, commit_);
  EXPECT_EQ(result.snapshot, repo_dir() / "snapshots" / commit_);
  EXPECT_EQ(result.files, default_files());
  expect_snapshot_matches_fixture(result.snapshot, result.files);
  EXPECT_FALSE(fs::exists(result.snapshot / "expected.jsonl"));
  EXPECT_EQ(read_file(repo_dir() / "refs" / "main"), commit_);
  // The LFS file's blob is named by its SHA-256, the others by their git blob id.
  EXPECT_TRUE(fs::is_regular_file(blob(weights_sha_)));
  EXPECT_TRUE(fs::is_regular_file(blob(test::FakeHub::git_blob_id(fixture_.at("config.json")))));
  EXPECT_EQ(fs::read_symlink(result.snapshot / "1_Pooling" / "config.json").string().substr(0, 12), "../../../blo");
  expect_nothing_half_written();

  std::uint64_t bytes = 0;
  for (const auto& f : default_files()) {
    if (f != "modules.json") bytes += fixture_.at(f).size();  // fetched before the plan
  }
  EXPECT_EQ(result.files_downloaded, default_files().size() - 1);
  EXPECT_EQ(result.bytes_downloaded, bytes);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().done, bytes);
  EXPECT_EQ(progress.back().total, bytes);
  EXPECT_EQ(progress.back().unit, "bytes");

  // The weights came from the CDN after a redirect, without the token.
  const auto cdn = requests_to("/cdn-lfs/");
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].method, "GET");
  EXPECT_TRUE(cdn[0].range.empty());

  // A second pull only asks for the commit: every file is already in the snapshot.
  hub_.clear_requests();
  const PullResult again = pull_model(*parse_repo_id(kId), options(), {});
  EXPECT_EQ(again.files_downloaded, 0u);
  EXPECT_EQ(hub_.request_count(), 1u);
  EXPECT_EQ(hub_.requests()[0].path, "/api/models/org/tiny-bert/revision/main");
}

TEST_F(HubPull, TokenGoesToTheHubButNotToTheCdn) {
  hub_.require_token(kId, "hf_secret", /*gated=*/true);
  HubOptions o = options();
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), o, {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_NE(e.message().find("gated"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("HF_TOKEN is not set"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("401"), std::string::npos) << e.message();

  o.token = "hf_wrong";
  const Error wrong = expect_error([&] { pull_model(*parse_repo_id(kId), o, {}); });
  EXPECT_NE(wrong.message().find("HF_TOKEN sent was refused"), std::string::npos) << wrong.message();
  EXPECT_NE(wrong.message().find("403"), std::string::npos) << wrong.message();

  o.token = "hf_secret";
  hub_.clear_requests();
  const PullResult result = pull_model(*parse_repo_id(kId), o, {});
  expect_snapshot_matches_fixture(result.snapshot, result.files);
  for (const auto& r : hub_.requests()) {
    if (r.path.starts_with("/cdn-lfs/")) {
      EXPECT_TRUE(r.authorization.empty()) << "token sent to the CDN";
    } else {
      EXPECT_EQ(r.authorization, "Bearer hf_secret") << r.path;
    }
  }
}

TEST_F(HubPull, InterruptedDownloadResumesInTheSameRun) {
  const std::size_t cut = 700000;
  hub_.cut_first_download(kId, "model.safetensors", cut);
  std::vector<std::uint64_t> done;
  PullOptions pull;
  pull.progress = [&](const Progress& p) { done.push_back(p.done); };
  const PullResult result = pull_model(*parse_repo_id(kId), options(), pull);
  expect_snapshot_matches_fixture(result.snapshot, result.files);
  // The server answered the Range with 206: the bytes already there were kept.
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  const auto cdn = requests_to("/cdn-lfs/");
  ASSERT_EQ(cdn.size(), 2u);
  EXPECT_TRUE(cdn[0].range.empty());
  ASSERT_TRUE(cdn[1].range.starts_with("bytes=")) << cdn[1].range;
  const std::uint64_t resumed_at = std::stoull(cdn[1].range.substr(6));
  EXPECT_GT(resumed_at, 0u);
  EXPECT_LE(resumed_at, cut);
  expect_nothing_half_written();
}

TEST_F(HubPull, InterruptedDownloadResumesInALaterRun) {
  const std::size_t cut = 700000;
  hub_.cut_first_download(kId, "model.safetensors", cut);
  HubOptions no_retry = options();
  no_retry.max_retries = 0;
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), no_retry, {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kIo);
  EXPECT_NE(e.message().find("interrupted"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("resume"), std::string::npos) << e.message();

  // Nothing looks complete: the partial blob keeps its .incomplete name, no link, no ref.
  const fs::path partial = blob(weights_sha_ + ".incomplete");
  ASSERT_TRUE(fs::exists(partial));
  const auto have = fs::file_size(partial);
  EXPECT_GT(have, 0u);
  EXPECT_LE(have, cut);
  EXPECT_FALSE(fs::exists(blob(weights_sha_)));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / commit_ / "model.safetensors"));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));
  EXPECT_FALSE(find_local_model(kId, options()).has_value() &&
               fs::exists(find_local_model(kId, options())->path / "model.safetensors"));

  hub_.clear_requests();
  const PullResult result = pull_model(*parse_repo_id(kId), options(), {});
  expect_snapshot_matches_fixture(result.snapshot, result.files);
  const auto cdn = requests_to("/cdn-lfs/");
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].range, "bytes=" + std::to_string(have) + "-");
  // Files completed before the cut are not fetched again (they come before the weights).
  EXPECT_LT(result.files_downloaded, default_files().size() - 1);
  for (const auto& r : hub_.requests()) EXPECT_NE(r.path, "/org/tiny-bert/resolve/" + commit_ + "/config.json");
  expect_nothing_half_written();
}

TEST_F(HubPull, ServerIgnoringTheRangeRestartsTheFile) {
  const std::string& weights = fixture_.at("model.safetensors");
  fs::create_directories(repo_dir() / "blobs");
  std::ofstream(blob(weights_sha_ + ".incomplete"), std::ios::binary) << weights.substr(0, 5000);
  hub_.ignore_ranges(kId, "model.safetensors");
  const PullResult result = pull_model(*parse_repo_id(kId), options(), {});
  expect_snapshot_matches_fixture(result.snapshot, result.files);
  const auto cdn = requests_to("/cdn-lfs/");
  ASSERT_EQ(cdn.size(), 1u);
  EXPECT_EQ(cdn[0].range, "bytes=5000-");
  expect_nothing_half_written();
}

TEST_F(HubPull, CorruptPartialFileIsCaughtBySha256) {
  // A partial download whose bytes went bad on disk: resuming appends the right rest, and
  // the SHA-256 of the whole refuses it.
  fs::create_directories(repo_dir() / "blobs");
  std::ofstream(blob(weights_sha_ + ".incomplete"), std::ios::binary) << std::string(5000, 'x');
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), options(), {}); });
  EXPECT_NE(e.message().find("SHA-256 mismatch"), std::string::npos) << e.message();
  EXPECT_FALSE(fs::exists(blob(weights_sha_ + ".incomplete")));
  EXPECT_FALSE(fs::exists(blob(weights_sha_)));
  const PullResult result = pull_model(*parse_repo_id(kId), options(), {});  // starts afresh
  expect_snapshot_matches_fixture(result.snapshot, result.files);
}

TEST_F(HubPull, CorruptedBlobIsRefusedAndRemoved) {
  hub_.corrupt(kId, "model.safetensors");
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), options(), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kIo);
  EXPECT_NE(e.message().find("SHA-256 mismatch"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find(weights_sha_), std::string::npos) << e.message();
  EXPECT_FALSE(fs::exists(blob(weights_sha_)));
  EXPECT_FALSE(fs::exists(blob(weights_sha_ + ".incomplete")));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / commit_ / "model.safetensors"));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));
}

TEST_F(HubPull, OfflineModeNeverTouchesTheNetwork) {
  HubOptions o = options();
  o.offline = true;
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), o, {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_NE(e.message().find("offline"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("HF_HUB_OFFLINE"), std::string::npos) << e.message();
  const Error r = expect_error([&] { resolve_model(kId, o); });
  EXPECT_EQ(r.kind(), ErrorKind::kNotFound);
  EXPECT_NE(r.message().find("HF_HUB_OFFLINE"), std::string::npos) << r.message();
  EXPECT_EQ(hub_.request_count(), 0u);

  // Once pulled, offline mode answers from the cache alone.
  pull_model(*parse_repo_id(kId), options(), {});
  hub_.clear_requests();
  const PullResult cached = pull_model(*parse_repo_id(kId), o, {});
  EXPECT_TRUE(cached.offline);
  EXPECT_EQ(cached.commit, commit_);
  EXPECT_EQ(resolve_model(kId, o).source, ModelSource::kHubCache);
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(HubPull, UnknownRepositoryRevisionAndFiles) {
  HubOptions o = options();
  const Error anonymous = expect_error([&] { pull_model(*parse_repo_id("org/absent"), o, {}); });
  EXPECT_EQ(anonymous.kind(), ErrorKind::kNotFound);
  EXPECT_NE(anonymous.message().find("401"), std::string::npos) << anonymous.message();
  EXPECT_NE(anonymous.message().find("gated or private"), std::string::npos) << anonymous.message();
  EXPECT_NE(anonymous.message().find("HF_TOKEN"), std::string::npos) << anonymous.message();

  o.token = "hf_any";
  const Error authenticated = expect_error([&] { pull_model(*parse_repo_id("org/absent"), o, {}); });
  EXPECT_NE(authenticated.message().find("404"), std::string::npos) << authenticated.message();
  EXPECT_NE(authenticated.message().find("not found"), std::string::npos) << authenticated.message();

  PullOptions v9;
  v9.revision = "v9";
  const Error revision = expect_error([&] { pull_model(*parse_repo_id(kId), options(), v9); });
  EXPECT_NE(revision.message().find("no such revision"), std::string::npos) << revision.message();
  EXPECT_NE(revision.message().find("v9"), std::string::npos) << revision.message();

  PullOptions nothing;
  nothing.include = {"*.gguf"};
  const Error include = expect_error([&] { pull_model(*parse_repo_id(kId), options(), nothing); });
  EXPECT_EQ(include.kind(), ErrorKind::kUsage);
  EXPECT_NE(include.message().find("*.gguf"), std::string::npos) << include.message();
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));
}

TEST_F(HubPull, PrivateRepositoryNeedsItsToken) {
  hub_.require_token(kId, "hf_owner", /*gated=*/false);
  const Error e = expect_error([&] { pull_model(*parse_repo_id(kId), options(), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_NE(e.message().find("gated or private: set HF_TOKEN"), std::string::npos) << e.message();
  HubOptions o = options();
  o.token = "hf_owner";
  const PullResult result = pull_model(*parse_repo_id(kId), o, {});
  expect_snapshot_matches_fixture(result.snapshot, result.files);
}

TEST_F(HubPull, IncludeGlobsChooseTheFiles) {
  PullOptions pull;
  pull.include = {"*.json", "1_Pooling/"};
  const PullResult result = pull_model(*parse_repo_id(kId), options(), pull);
  for (const auto& f : result.files) EXPECT_TRUE(f.ends_with(".json")) << f;
  EXPECT_NE(std::find(result.files.begin(), result.files.end(), "1_Pooling/config.json"), result.files.end());
  EXPECT_FALSE(fs::exists(result.snapshot / "model.safetensors"));
  EXPECT_TRUE(requests_to("/cdn-lfs/").empty());
  expect_snapshot_matches_fixture(result.snapshot, result.files);
}

TEST_F(HubPull, RepositoryWithoutSafetensorsSaysToUseInclude) {
  hub_.add_repo("org/pickled", {{"config.json", "{}"}, {"pytorch_model.bin", "pickle"}, {"model.gguf", "GGUF"}});
  const Error e = expect_error([&] { pull_model(*parse_repo_id("org/pickled"), options(), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_NE(e.message().find("--include"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("model.gguf"), std::string::npos) << e.message();
  PullOptions gguf;
  gguf.include = {"*.gguf"};
  const PullResult result = pull_model(*parse_repo_id("org/pickled"), options(), gguf);
  EXPECT_EQ(result.files, std::vector<std::string>{"model.gguf"});
  // A snapshot holding one .gguf file resolves to that file.
  const auto resolved = resolve_model("org/pickled", options());
  EXPECT_TRUE(resolved.is_gguf());
  EXPECT_EQ(read_file(resolved.path), "GGUF");
}

TEST_F(HubPull, ModelInARealCacheLayoutIsFoundWithoutAnyRequest) {
  const fs::path snapshot = test::write_hf_cache_repo(tmp_ / "hub", kId, fixture_);
  const ResolvedModel resolved = resolve_model(kId, options());  // online, downloads allowed
  EXPECT_EQ(resolved.path, snapshot);
  EXPECT_EQ(resolved.source, ModelSource::kHubCache);
  EXPECT_EQ(resolved.commit, commit_);
  EXPECT_EQ(read_file(resolved.path / "model.safetensors"), fixture_.at("model.safetensors"));
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(HubPull, InterruptedSnapshotIsCompletedOnFirstUse) {
  // What a killed pull leaves: some files linked, no weights, no refs/main.
  auto partial = fixture_;
  partial.erase("model.safetensors");
  test::write_hf_cache_repo(tmp_ / "hub", kId, partial, commit_, /*write_main_ref=*/false);
  const auto local = find_local_model(kId, options());
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->complete);

  const ResolvedModel resolved = resolve_model(kId, options());
  EXPECT_EQ(resolved.source, ModelSource::kDownloaded);
  expect_snapshot_matches_fixture(resolved.path, default_files());
  EXPECT_EQ(requests_to("/cdn-lfs/").size(), 1u);
  // Files already there were not fetched again.
  for (const auto& r : hub_.requests()) EXPECT_NE(r.path, "/org/tiny-bert/resolve/" + commit_ + "/vocab.txt");
  EXPECT_TRUE(find_local_model(kId, options())->complete);

  // Offline, or with the Hub unreachable, the incomplete snapshot is what there is.
  fs::remove_all(tmp_ / "hub");
  test::write_hf_cache_repo(tmp_ / "hub", kId, partial, commit_, false);
  HubOptions offline = options();
  offline.offline = true;
  EXPECT_EQ(resolve_model(kId, offline).source, ModelSource::kHubCache);
  HubOptions unreachable = options();
  unreachable.endpoint = "http://127.0.0.1:1";
  EXPECT_EQ(resolve_model(kId, unreachable).source, ModelSource::kHubCache);
}

TEST_F(HubPull, PulledOnFirstUseThenFoundLocally) {
  const ResolvedModel first = resolve_model(kId, options());
  EXPECT_EQ(first.source, ModelSource::kDownloaded);
  EXPECT_EQ(first.path, repo_dir() / "snapshots" / commit_);
  expect_snapshot_matches_fixture(first.path, default_files());
  hub_.clear_requests();
  const ResolvedModel second = resolve_model(kId, options());
  EXPECT_EQ(second.source, ModelSource::kHubCache);
  EXPECT_EQ(second.path, first.path);
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(HubPull, ConcurrentFirstUsesShareOneDownload) {
  std::vector<ResolvedModel> results(4);
  std::vector<std::string> errors(results.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = resolve_model(kId, options());
      } catch (const Error& e) {
        errors[i] = e.message();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(errors[i].empty()) << errors[i];
    EXPECT_EQ(results[i].path, repo_dir() / "snapshots" / commit_);
  }
  expect_snapshot_matches_fixture(results[0].path, default_files());
  EXPECT_EQ(requests_to("/cdn-lfs/").size(), 1u);  // the weights were fetched once
  expect_nothing_half_written();
}

TEST_F(HubPull, UnreachableHubIsANetworkError) {
  HubOptions o = options();
  {
    test::FakeHub gone;
    o.endpoint = gone.endpoint();
  }  // stopped: its port now refuses connections
  const Error e = expect_error([&] { resolve_model(kId, o); });
  EXPECT_EQ(e.kind(), ErrorKind::kIo);
  EXPECT_NE(e.message().find("cannot reach " + o.endpoint), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("HF_HUB_OFFLINE"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace molt::hub
