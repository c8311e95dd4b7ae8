// The Hugging Face cache layout, --model resolution and `molt models`' summaries, on
// folders written by the test (no network: resolution of local models must never need it).
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <chrono>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/hub/hf_cache.h"
#include "molt/hub/model_resolver.h"
#include "molt/model/model_summary.h"
#include "tests/support/fake_hub.h"
#include "tests/support/test_env.h"

namespace molt::hub {
namespace {
namespace fs = std::filesystem;

const std::map<std::string, std::string> kBert = {
    {"config.json", R"({"model_type":"bert","hidden_size":16,"max_position_embeddings":128})"},
    {"modules.json",
     R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
         {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}])"},
    {"1_Pooling/config.json", R"({"word_embedding_dimension":16,"pooling_mode_mean_tokens":true})"},
    {"sentence_bert_config.json", R"({"max_seq_length":100,"do_lower_case":false})"},
    {"model.safetensors", std::string(1000, 'w')},
};

void write_files(const fs::path& dir, const std::map<std::string, std::string>& files) {
  for (const auto& [path, data] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << data;
  }
}

HubOptions offline_options(const fs::path& cache) {
  HubOptions o;
  o.cache_dir = cache;
  o.offline = true;
  o.endpoint = "http://127.0.0.1:1";  // unreachable: any request would fail loudly
  return o;
}

TEST(HfCache, FindsSnapshotThroughRefs) {
  test::TempDir tmp;
  const fs::path snapshot = test::write_hf_cache_repo(tmp.path(), "org/tiny", kBert);
  const RepoId id = *parse_repo_id("org/tiny");
  const auto found = find_cached_snapshot(tmp.path(), id, "main");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->folder, snapshot);
  EXPECT_EQ(found->commit, test::FakeHub::default_commit("org/tiny"));
  EXPECT_TRUE(find_cached_snapshot(tmp.path(), id, found->commit));
  EXPECT_FALSE(find_cached_snapshot(tmp.path(), id, "v2"));
  EXPECT_FALSE(find_cached_snapshot(tmp.path(), *parse_repo_id("org/other"), "main"));
  EXPECT_EQ(snapshot_files(found->folder),
            (std::vector<std::string>{"1_Pooling/config.json", "config.json", "model.safetensors", "modules.json",
                                      "sentence_bert_config.json"}));
}

TEST(HfCache, WithoutRefsMainTakesTheNewestSnapshot) {
  test::TempDir tmp;
  const std::string old_commit(40, 'a');
  const std::string new_commit(40, 'b');
  test::write_hf_cache_repo(tmp.path(), "org/tiny", kBert, old_commit, false);
  const fs::path newer = test::write_hf_cache_repo(tmp.path(), "org/tiny", kBert, new_commit, false);
  fs::last_write_time(newer, fs::last_write_time(newer) + std::chrono::seconds(10));
  const auto found = find_cached_snapshot(tmp.path(), *parse_repo_id("org/tiny"), "main");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->commit, new_commit);
}

TEST(HfCache, WriteRefAndLinkAreRelativeAndAtomic) {
  test::TempDir tmp;
  const fs::path repo = tmp / "models--o--n";
  fs::create_directories(repo / "blobs");
  std::ofstream(repo / "blobs" / "abc", std::ios::binary) << "hello";
  const std::string commit(40, 'c');
  link_snapshot_file(repo, commit, "sub/dir/file.txt", "abc");
  const fs::path pointer = repo / "snapshots" / commit / "sub/dir/file.txt";
  EXPECT_EQ(fs::read_symlink(pointer), "../../../../blobs/abc");
  EXPECT_EQ(read_file(pointer), "hello");
  link_snapshot_file(repo, commit, "sub/dir/file.txt", "abc");  // replacing is fine
  write_ref(repo, "main", commit);
  write_ref(repo, "refs/pr/1", commit);
  EXPECT_EQ(read_file(repo / "refs" / "main"), commit);
  EXPECT_EQ(read_file(repo / "refs" / "refs" / "pr" / "1"), commit);
  EXPECT_THROW(write_ref(repo, "../escape", commit), Error);
  for (const auto& e : fs::recursive_directory_iterator(repo)) {
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }
}

TEST(Resolver, FolderGgufAndBadPaths) {
  test::TempDir tmp;
  write_files(tmp / "model", kBert);
  const HubOptions o = offline_options(tmp / "cache");
  const auto folder = resolve_model((tmp / "model").string(), o);
  EXPECT_EQ(folder.path, tmp / "model");
  EXPECT_EQ(folder.source, ModelSource::kPath);

  std::ofstream(tmp / "m.gguf", std::ios::binary) << "GGUF";
  const auto gguf = resolve_model((tmp / "m.gguf").string(), o);
  EXPECT_TRUE(gguf.is_gguf());

  // A folder holding only one .gguf file stands for that file.
  fs::create_directories(tmp / "gguf-dir");
  std::ofstream(tmp / "gguf-dir" / "x.gguf", std::ios::binary) << "GGUF";
  EXPECT_EQ(resolve_model((tmp / "gguf-dir").string(), o).path, tmp / "gguf-dir" / "x.gguf");
  // sentence-transformers files beside it describe its pipeline: still the file.
  std::ofstream(tmp / "gguf-dir" / "modules.json") << "[]";
  EXPECT_EQ(resolve_model((tmp / "gguf-dir").string(), o).path, tmp / "gguf-dir" / "x.gguf");
  std::ofstream(tmp / "gguf-dir" / "y.gguf", std::ios::binary) << "GGUF";
  EXPECT_THROW(resolve_model((tmp / "gguf-dir").string(), o), Error);

  fs::create_directories(tmp / "empty");
  try {
    resolve_model((tmp / "empty").string(), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(e.message().find("not a model folder"), std::string::npos);
  }
  std::ofstream(tmp / "notes.txt") << "x";
  EXPECT_THROW(resolve_model((tmp / "notes.txt").string(), o), Error);
  try {
    resolve_model((tmp / "missing").string(), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  try {
    resolve_model("not a model id!", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
}

TEST(Resolver, ModelsDirsThenCache) {
  test::TempDir tmp;
  write_files(tmp / "dir1" / "org" / "tiny", kBert);
  write_files(tmp / "dir2" / "tiny", kBert);
  write_files(tmp / "dir2" / "bare", kBert);
  test::write_hf_cache_repo(tmp / "cache", "org/tiny", kBert);
  test::write_hf_cache_repo(tmp / "cache", "org/cached", kBert);
  HubOptions o = offline_options(tmp / "cache");
  o.model_dirs = {tmp / "dir1", tmp / "dir2"};

  auto r = resolve_model("org/tiny", o);
  EXPECT_EQ(r.path, tmp / "dir1" / "org" / "tiny");
  EXPECT_EQ(r.source, ModelSource::kModelsDir);
  EXPECT_EQ(r.id, "org/tiny");

  o.model_dirs = {tmp / "dir2"};
  r = resolve_model("org/tiny", o);  // org/name also finds a name/ folder
  EXPECT_EQ(r.path, tmp / "dir2" / "tiny");
  r = resolve_model("bare", o);
  EXPECT_EQ(r.path, tmp / "dir2" / "bare");

  r = resolve_model("org/cached", o);
  EXPECT_EQ(r.source, ModelSource::kHubCache);
  EXPECT_EQ(r.path, tmp / "cache" / "models--org--cached" / "snapshots" / test::FakeHub::default_commit("org/cached"));
  EXPECT_EQ(r.commit, test::FakeHub::default_commit("org/cached"));
}

TEST(Resolver, UnknownIdSaysWhereItLookedAndWhatToDo) {
  test::TempDir tmp;
  HubOptions o = offline_options(tmp / "cache");
  o.model_dirs = {tmp / "dir1"};
  try {
    resolve_model("org/absent", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    for (const std::string& part : {(tmp / "dir1" / "org" / "absent").string(),
                                   (tmp / "cache" / "models--org--absent").string(), std::string("HF_HUB_OFFLINE")}) {
      EXPECT_NE(e.message().find(part), std::string::npos) << part << " in " << e.message();
    }
  }
  o.offline = false;
  ResolveOptions no_download;
  no_download.allow_download = false;
  try {
    resolve_model("org/absent", o, no_download);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("molt pull org/absent"), std::string::npos) << e.message();
  }
}

TEST(Resolver, InterruptedCacheSnapshotIsNotAModel) {
  test::TempDir tmp;
  test::write_hf_cache_repo(tmp / "cache", "org/partial", {{"README.md", "# partial"}});
  EXPECT_FALSE(find_local_model("org/partial", offline_options(tmp / "cache")));
}

TEST(Resolver, ListsLocalModels) {
  test::TempDir tmp;
  write_files(tmp / "dir" / "org" / "a", kBert);
  write_files(tmp / "dir" / "b", kBert);
  write_files(tmp / "dir" / "junk", {{"notes.txt", "x"}});
  test::write_hf_cache_repo(tmp / "cache", "org/c", kBert);
  fs::create_directories(tmp / "cache" / "datasets--x--y");
  HubOptions o = offline_options(tmp / "cache");
  o.model_dirs = {tmp / "dir"};
  const auto models = list_local_models(o);
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].id, "b");
  EXPECT_EQ(models[1].id, "org/a");
  EXPECT_EQ(models[2].id, "org/c");
  EXPECT_EQ(models[2].source, ModelSource::kHubCache);
  EXPECT_EQ(models[2].commit, test::FakeHub::default_commit("org/c"));
}

TEST(ModelSummary, ReadsConfigsLikeSentenceTransformers) {
  test::TempDir tmp;
  const fs::path snapshot = test::write_hf_cache_repo(tmp.path(), "org/tiny", kBert);
  const auto s = model::summarize_model(snapshot);
  EXPECT_EQ(s.architecture, "bert");
  EXPECT_EQ(s.format, "safetensors");
  EXPECT_EQ(s.dimension, 16);
  EXPECT_EQ(s.max_length, 100);  // max_seq_length wins over max_position_embeddings
  std::uint64_t expected_size = 0;
  for (const auto& [path, data] : kBert) expected_size += data.size();
  EXPECT_EQ(s.size_bytes, expected_size);  // through the symlinks
  EXPECT_TRUE(s.problem.empty()) << s.problem;
}

TEST(ModelSummary, DenseAndConcatenatedPooling) {
  test::TempDir tmp;
  auto files = kBert;
  files["modules.json"] =
      R"([{"path":"","type":"sentence_transformers.models.Transformer"},
          {"path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
          {"path":"2_Dense","type":"sentence_transformers.models.Dense"}])";
  files["1_Pooling/config.json"] =
      R"({"word_embedding_dimension":16,"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":true})";
  write_files(tmp / "m", files);
  EXPECT_EQ(model::summarize_model(tmp / "m").dimension, 32);
  write_files(tmp / "m", {{"2_Dense/config.json", R"({"in_features":32,"out_features":8})"}});
  EXPECT_EQ(model::summarize_model(tmp / "m").dimension, 8);
  files.erase("sentence_bert_config.json");
  write_files(tmp / "n", files);
  EXPECT_EQ(model::summarize_model(tmp / "n").max_length, 128);
}

TEST(ModelSummary, BrokenConfigIsAProblemNotAFailure) {
  test::TempDir tmp;
  write_files(tmp / "m", {{"config.json", "{not json"}, {"model.safetensors", "x"}});
  const auto s = model::summarize_model(tmp / "m");
  EXPECT_FALSE(s.problem.empty());
  EXPECT_FALSE(s.dimension);
  write_files(tmp / "k", {{"config.json", R"({"model_type": 5})"}});
  EXPECT_FALSE(model::summarize_model(tmp / "k").problem.empty());
}

}  // namespace
}  // namespace molt::hub
