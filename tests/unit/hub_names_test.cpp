// molt::hub without the network or the file system: model ids, the environment's options,
// file selection, the Hub's JSON and error answers.
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/hub/file_selection.h"
#include "molt/hub/hf_cache.h"
#include "molt/hub/hub_api.h"
#include "molt/hub/hub_options.h"
#include "molt/hub/repo_id.h"

namespace molt::hub {
namespace {

TEST(RepoId, ParsesOrgAndName) {
  const auto id = parse_repo_id("BAAI/bge-small-en-v1.5");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->org, "BAAI");
  EXPECT_EQ(id->name, "bge-small-en-v1.5");
  EXPECT_EQ(id->str(), "BAAI/bge-small-en-v1.5");
  EXPECT_EQ(id->cache_folder(), "models--BAAI--bge-small-en-v1.5");
}

TEST(RepoId, BareName) {
  const auto id = parse_repo_id("bert-base-uncased");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->org, "");
  EXPECT_EQ(id->str(), "bert-base-uncased");
  EXPECT_EQ(id->cache_folder(), "models--bert-base-uncased");
}

TEST(RepoId, RejectsWhatHuggingfaceHubRejects) {
  for (const char* bad : {"", "a/b/c", "/abs", "org/", "/name", "org--x/name", "a..b", "-lead", "trail-",
                          "org/.hidden", "sp ace", "name.git", "org/na$me", "ü/x"}) {
    EXPECT_FALSE(parse_repo_id(bad)) << bad;
  }
  EXPECT_FALSE(parse_repo_id(std::string(97, 'a')));
  EXPECT_TRUE(parse_repo_id(std::string(96, 'a')));
  EXPECT_TRUE(parse_repo_id("a.b_c-d/E.f"));
}

TEST(RepoId, FromCacheFolder) {
  EXPECT_EQ(repo_id_from_cache_folder("models--org--name")->str(), "org/name");
  EXPECT_EQ(repo_id_from_cache_folder("models--gpt2")->str(), "gpt2");
  EXPECT_FALSE(repo_id_from_cache_folder("datasets--org--name"));
  EXPECT_FALSE(repo_id_from_cache_folder("models--a--b--c"));
  EXPECT_FALSE(repo_id_from_cache_folder(".locks"));
}

TEST(RepoId, CommitHash) {
  EXPECT_TRUE(is_commit_hash("c9745ed1d9f207416be6d2e6f8de32d1f16199bf"));
  EXPECT_FALSE(is_commit_hash("main"));
  EXPECT_FALSE(is_commit_hash("C9745ED1D9F207416BE6D2E6F8DE32D1F16199BF"));
  EXPECT_FALSE(is_commit_hash("c9745ed1"));
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(HubOptions, DefaultsFollowHuggingfaceHub) {
  const auto o = hub_options_from_env(env_of({{"HOME", "/home/u"}}));
  EXPECT_EQ(o.cache_dir, "/home/u/.cache/huggingface/hub");
  EXPECT_EQ(o.endpoint, "https://huggingface.co");
  EXPECT_FALSE(o.offline);
  EXPECT_TRUE(o.token.empty());
  EXPECT_TRUE(o.model_dirs.empty());
}

TEST(HubOptions, CachePrecedence) {
  EXPECT_EQ(hub_options_from_env(env_of({{"HOME", "/h"}, {"XDG_CACHE_HOME", "/xdg"}})).cache_dir,
            "/xdg/huggingface/hub");
  EXPECT_EQ(hub_options_from_env(env_of({{"HOME", "/h"}, {"XDG_CACHE_HOME", "/xdg"}, {"HF_HOME", "~/hf"}})).cache_dir,
            "/h/hf/hub");
  EXPECT_EQ(hub_options_from_env(env_of({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}})).cache_dir,
            "/legacy");
  EXPECT_EQ(hub_options_from_env(
                env_of({{"HF_HOME", "/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}, {"HF_HUB_CACHE", "/new"}}))
                .cache_dir,
            "/new");
  EXPECT_TRUE(hub_options_from_env(env_of({})).cache_dir.empty());
}

TEST(HubOptions, ModelsDirsEndpointOfflineToken) {
  const auto o = hub_options_from_env(env_of({{"HOME", "/h"},
                                              {"MOLT_MODELS", "/a::~/b:rel"},
                                              {"HF_ENDPOINT", "http://mirror.local:8080//"},
                                              {"HF_HUB_OFFLINE", "yes"},
                                              {"HF_TOKEN", " hf_abc\n"},
                                              {"HF_HUB_DOWNLOAD_TIMEOUT", "42"}}));
  ASSERT_EQ(o.model_dirs.size(), 3u);
  EXPECT_EQ(o.model_dirs[0], "/a");
  EXPECT_EQ(o.model_dirs[1], "/h/b");
  EXPECT_EQ(o.model_dirs[2], "rel");
  EXPECT_EQ(o.endpoint, "http://mirror.local:8080");
  EXPECT_TRUE(o.offline);
  EXPECT_EQ(o.token, "hf_abc");
  EXPECT_EQ(o.timeout.count(), 42);
}

TEST(HubOptions, OfflineFlags) {
  for (const char* v : {"1", "ON", "true", "Yes"}) {
    EXPECT_TRUE(hub_options_from_env(env_of({{"HF_HUB_OFFLINE", v}})).offline) << v;
  }
  for (const char* v : {"0", "off", "no", ""}) {
    EXPECT_FALSE(hub_options_from_env(env_of({{"HF_HUB_OFFLINE", v}})).offline) << v;
  }
  EXPECT_TRUE(hub_options_from_env(env_of({{"TRANSFORMERS_OFFLINE", "1"}})).offline);
  // HF_HUB_OFFLINE, when set, decides alone.
  EXPECT_FALSE(hub_options_from_env(env_of({{"HF_HUB_OFFLINE", "0"}, {"TRANSFORMERS_OFFLINE", "1"}})).offline);
}

TEST(HubOptions, LegacyTokenAndBadTimeout) {
  EXPECT_EQ(hub_options_from_env(env_of({{"HUGGING_FACE_HUB_TOKEN", "t2"}})).token, "t2");
  EXPECT_EQ(hub_options_from_env(env_of({{"HF_TOKEN", "t1"}, {"HUGGING_FACE_HUB_TOKEN", "t2"}})).token, "t1");
  try {
    hub_options_from_env(env_of({{"HF_HUB_DOWNLOAD_TIMEOUT", "10s"}}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(e.message().find("HF_HUB_DOWNLOAD_TIMEOUT"), std::string::npos);
  }
}

TEST(FileSelection, GlobLikeFnmatch) {
  EXPECT_TRUE(glob_match("*.json", "config.json"));
  EXPECT_TRUE(glob_match("*.json", "1_Pooling/config.json"));  // '*' crosses '/', as fnmatch
  EXPECT_FALSE(glob_match("config.json", "onnx/config.json"));
  EXPECT_TRUE(glob_match("model-*-of-*.safetensors", "model-00001-of-00002.safetensors"));
  EXPECT_TRUE(glob_match("[mp]odel.?afetensors", "model.safetensors"));
  EXPECT_FALSE(glob_match("*.JSON", "config.json"));
}

TEST(FileSelection, DefaultIsWhatSentenceTransformersNeeds) {
  const std::vector<std::string> files = {
      ".gitattributes", "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors",
      "2_Dense/pytorch_model.bin", "README.md", "config.json", "config_sentence_transformers.json",
      "data_config.json", "model.safetensors", "model-00001-of-00002.safetensors",
      "model.safetensors.index.json", "modules.json", "onnx/model.onnx", "onnx/config.json",
      "openvino/openvino_model.xml", "pytorch_model.bin", "rust_model.ot", "sentence_bert_config.json",
      "special_tokens_map.json", "tf_model.h5", "tokenizer.json", "tokenizer_config.json", "train_script.py",
      "vocab.txt"};
  const auto modules = module_folders(
      R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
          {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
          {"idx":2,"name":"2","path":"2_Dense/","type":"sentence_transformers.models.Dense"}])",
      "modules.json");
  EXPECT_EQ(modules, (std::vector<std::string>{"1_Pooling", "2_Dense"}));
  const auto selected = select_files(files, default_patterns(modules));
  const std::vector<std::string> expected = {
      "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors", "README.md", "config.json",
      "config_sentence_transformers.json", "model.safetensors", "model-00001-of-00002.safetensors",
      "model.safetensors.index.json", "modules.json", "sentence_bert_config.json", "special_tokens_map.json",
      "tokenizer.json", "tokenizer_config.json", "vocab.txt"};
  EXPECT_EQ(selected, expected);
}

TEST(FileSelection, IncludePatternsAndFolders) {
  const std::vector<std::string> files = {"a.gguf", "b.gguf", "sub/c.gguf", "sub/d.txt", "e.txt"};
  EXPECT_EQ(select_files(files, {"a.gguf"}), (std::vector<std::string>{"a.gguf"}));
  EXPECT_EQ(select_files(files, {"*.gguf"}), (std::vector<std::string>{"a.gguf", "b.gguf", "sub/c.gguf"}));
  EXPECT_EQ(select_files(files, {"sub/"}), (std::vector<std::string>{"sub/c.gguf", "sub/d.txt"}));
  EXPECT_TRUE(select_files(files, {"nothing*"}).empty());
}

TEST(FileSelection, BadModulesJson) {
  EXPECT_THROW(module_folders("{}", "m.json"), Error);
  EXPECT_THROW(module_folders("[{\"idx\":0}]", "m.json"), Error);
  EXPECT_THROW(module_folders("[1", "m.json"), Error);
}

TEST(HubApi, ParsesRepoInfo) {
  const auto info = parse_repo_info(
      R"({"id":"o/n","sha":"0123456789abcdef0123456789abcdef01234567",
          "siblings":[{"rfilename":"config.json"},{"rfilename":"1_Pooling/config.json"}]})",
      "test");
  EXPECT_EQ(info.commit, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(info.files, (std::vector<std::string>{"config.json", "1_Pooling/config.json"}));
}

TEST(HubApi, RefusesBadOrUnsafeRepoInfo) {
  const std::string sha = R"("sha":"0123456789abcdef0123456789abcdef01234567")";
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string(R"({"sha":"main","siblings":[]})"),
        "{" + sha + "}", "{" + sha + R"(,"siblings":[{"rfilename":"../../etc/passwd"}]})",
        "{" + sha + R"(,"siblings":[{"rfilename":"/abs"}]})", "{" + sha + R"(,"siblings":[{"rfilename":"a//b"}]})",
        "{" + sha + R"(,"siblings":[{"name":"x"}]})", "{" + sha + R"(,"siblings":[3]})"}) {
    try {
      parse_repo_info(bad, "https://hub/api");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput) << bad;
      EXPECT_NE(e.message().find("https://hub/api"), std::string::npos) << e.message();
    }
  }
}

TEST(HubApi, QuotesAsPython) {
  EXPECT_EQ(url_quote("refs/pr/1", false), "refs%2Fpr%2F1");
  EXPECT_EQ(url_quote("a b/c~d.e_f-g", true), "a%20b/c~d.e_f-g");
  EXPECT_EQ(url_quote("é", true), "%C3%A9");
  HubOptions o;
  o.endpoint = "http://h";
  EXPECT_EQ(resolve_url(o, *parse_repo_id("o/n"), "v1.0", "1_Pooling/config.json"),
            "http://h/o/n/resolve/v1.0/1_Pooling/config.json");
}

TEST(HubApi, NormalizesEtags) {
  EXPECT_EQ(normalize_etag("\"abc\""), "abc");
  EXPECT_EQ(normalize_etag("W/\"abc\""), "abc");
  EXPECT_EQ(normalize_etag("abc"), "abc");
}

HttpResponse answer(long status, std::map<std::string, std::string> headers) {
  HttpResponse r;
  r.status = status;
  r.url = "http://h/o/n/resolve/main/x";
  for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
  return r;
}

TEST(HubApi, ErrorsSayWhatToDo) {
  HubOptions o;
  o.endpoint = "http://h";
  const RepoId id = *parse_repo_id("o/n");
  const auto check = [&](const HttpResponse& r, ErrorKind kind, std::vector<std::string> parts) {
    const Error e = hub_error(r, o, id, "file 'x' of o/n");
    EXPECT_EQ(e.kind(), kind) << e.message();
    for (const auto& p : parts) EXPECT_NE(e.message().find(p), std::string::npos) << p << " in " << e.message();
  };
  check(answer(401, {{"x-error-code", "GatedRepo"}}), ErrorKind::kNotFound, {"gated", "HF_TOKEN", "http://h/o/n"});
  check(answer(401, {{"x-error-code", "RepoNotFound"}}), ErrorKind::kNotFound,
        {"gated or private", "HF_TOKEN is not set", "HTTP 401"});
  check(answer(403, {}), ErrorKind::kNotFound, {"gated or private", "HF_TOKEN"});
  check(answer(404, {{"x-error-code", "RepoNotFound"}}), ErrorKind::kNotFound, {"not found", "HTTP 404"});
  check(answer(404, {{"x-error-code", "RevisionNotFound"}}), ErrorKind::kNotFound, {"no such revision"});
  check(answer(404, {{"x-error-code", "EntryNotFound"}}), ErrorKind::kNotFound, {"no such file"});
  check(answer(503, {}), ErrorKind::kIo, {"HTTP 503"});
  check(answer(429, {}), ErrorKind::kOverloaded, {"try again later"});
  HttpResponse down;
  down.transport_error = "Couldn't connect to server";
  check(down, ErrorKind::kIo, {"cannot reach http://h", "Couldn't connect", "HF_HUB_OFFLINE"});
  o.token = "t";
  check(answer(403, {{"x-error-code", "GatedRepo"}}), ErrorKind::kNotFound, {"HF_TOKEN sent was refused"});
}

TEST(HfCache, SafePaths) {
  for (const char* ok : {"config.json", "1_Pooling/config.json", "a/b/c.d", ".gitattributes"}) {
    EXPECT_TRUE(is_safe_repo_path(ok)) << ok;
  }
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a/", "a\\b", "."}) {
    EXPECT_FALSE(is_safe_repo_path(bad)) << bad;
  }
  EXPECT_TRUE(is_safe_blob_name("0123abcd"));
  EXPECT_FALSE(is_safe_blob_name("a/b"));
  EXPECT_FALSE(is_safe_blob_name(".."));
}

}  // namespace
}  // namespace molt::hub
