#include "tests/support/embedding_fixtures.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/support/test_env.h"

namespace molt::test {
namespace fs = std::filesystem;

std::vector<FixtureModel> embedding_fixture_models() {
  std::vector<FixtureModel> out;
  for (const char* name : {"tiny-bert", "tiny-bert-cls", "tiny-bert-f16"}) {
    out.push_back({name, fixtures_dir() / name, fixtures_dir() / name, false});
  }
  out.push_back({"tiny-nomic-bert", fixtures_dir() / "tiny-nomic-bert", fixtures_dir() / "tiny-nomic-bert", false,
                 "nomic_bert"});
  for (const char* name : {"all-MiniLM-L6-v2", "bge-small-en-v1.5", "bge-base-en-v1.5"}) {
    out.push_back({std::string("full-size/") + name, generated_models_dir() / name,
                   fixtures_dir() / "full-size" / name, true});
  }
  return out;
}

void PrintTo(const FixtureModel& model, std::ostream* os) { *os << model.name; }

std::vector<GgufTwin> gguf_twins() {
  std::vector<GgufTwin> out;
  const fs::path dir = fixtures_dir() / "gguf";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  const std::vector<FixtureModel> models = embedding_fixture_models();
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".gguf") continue;
    const std::string stem = entry.path().stem().string();
    const auto dash = stem.rfind('-');
    if (dash == std::string::npos) continue;
    for (const FixtureModel& m : models) {
      if (m.name == stem.substr(0, dash)) out.push_back({entry.path(), m, stem.substr(dash + 1)});
    }
  }
  std::sort(out.begin(), out.end(), [](const GgufTwin& a, const GgufTwin& b) { return a.gguf < b.gguf; });
  return out;
}

void PrintTo(const GgufTwin& twin, std::ostream* os) { *os << twin.gguf.filename().string(); }

bool GgufTwin::alone_differs(const ExpectedEmbedding& line) const {
  const bool lower_cases = model.name == "tiny-bert-cls" || model.name == "tiny-bert-f16";
  return line.truncated() || (lower_cases && line.id == 24);
}

std::vector<std::string> split_args(const std::string& args) {
  std::istringstream in(args);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

ExpectedFile read_expected_file(const FixtureModel& model, const fs::path& path) {
  ExpectedFile file;
  file.model = model.name;
  file.model_dir = model.model_dir;
  file.path = path;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    ExpectedEmbedding e;
    e.id = j.at("id").get<std::int64_t>();
    e.text = j.at("text").get<std::string>();
    e.ids = j.at("ids").get<std::vector<std::int32_t>>();
    e.n_tokens_untruncated = j.value("n_tokens_untruncated", e.ids.size());
    e.embedding = j.at("embedding").get<std::vector<float>>();
    file.molt_args = j.at("molt_args").get<std::string>();
    file.lines.push_back(std::move(e));
  }
  const std::vector<std::string> args = split_args(file.molt_args);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--prompt") file.prompt_name = args[i + 1];
    if (args[i] == "--dim") file.dim = static_cast<std::size_t>(std::stoul(args[i + 1]));
  }
  return file;
}

std::vector<ExpectedFile> read_expected_files(const FixtureModel& model) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(model.fixture_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("expected") && name.ends_with(".jsonl")) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<ExpectedFile> out;
  for (const fs::path& p : paths) out.push_back(read_expected_file(model, p));
  return out;
}

Agreement compare_vectors(std::span<const float> got, std::span<const float> want) {
  Agreement a;
  if (got.size() != want.size()) return a;
  double dot = 0.0, ng = 0.0, nw = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    dot += static_cast<double>(got[i]) * want[i];
    ng += static_cast<double>(got[i]) * got[i];
    nw += static_cast<double>(want[i]) * want[i];
    a.max_abs = std::max(a.max_abs, std::fabs(static_cast<double>(got[i]) - want[i]));
  }
  a.cosine = (ng == 0.0 || nw == 0.0) ? (ng == nw ? 1.0 : 0.0) : dot / std::sqrt(ng * nw);
  return a;
}

}  // namespace molt::test
