// molt models: the models available without the network (MOLT_MODELS folders and the
// Hugging Face cache), or where one --model argument resolves to.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "molt/hub/model_resolver.h"
#include "molt/model/model_summary.h"

namespace molt::cli {

namespace {

struct Row {
  hub::LocalModel model;
  model::ModelSummary summary;
};

nlohmann::json to_json(const Row& row) {
  nlohmann::json j = {
      {"id", row.model.id},
      {"path", row.model.path.string()},
      {"source", hub::source_name(row.model.source)},
      {"format", row.summary.format},
      {"architecture", row.summary.architecture},
      {"dimension", nullptr},
      {"max_length", nullptr},
      {"size_bytes", row.summary.size_bytes},
  };
  if (!row.model.commit.empty()) j["commit"] = row.model.commit;
  if (row.summary.dimension) j["dimension"] = *row.summary.dimension;
  if (row.summary.max_length) j["max_length"] = *row.summary.max_length;
  if (!row.summary.problem.empty()) j["problem"] = row.summary.problem;
  return j;
}

std::string or_dash(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

void print_table(const std::vector<Row>& rows) {
  std::size_t id_width = 2;
  for (const auto& r : rows) id_width = std::max(id_width, r.model.id.size());
  const int w = static_cast<int>(id_width);
  std::printf("%-*s  %-12s  %5s  %7s  %10s  %-11s  %s\n", w, "ID", "ARCHITECTURE", "DIM", "MAX_LEN",
              "SIZE", "SOURCE", "PATH");
  for (const auto& r : rows) {
    const std::string arch = r.summary.architecture.empty() ? r.summary.format : r.summary.architecture;
    std::printf("%-*s  %-12s  %5s  %7s  %10s  %-11s  %s\n", w, r.model.id.c_str(), arch.c_str(),
                or_dash(r.summary.dimension).c_str(), or_dash(r.summary.max_length).c_str(),
                format_bytes(static_cast<double>(r.summary.size_bytes)).c_str(),
                hub::source_name(r.model.source), r.model.path.string().c_str());
    if (!r.summary.problem.empty()) std::printf("%-*s  (%s)\n", w, "", r.summary.problem.c_str());
  }
}

std::string where_searched(const hub::HubOptions& options) {
  std::string dirs;
  for (const auto& d : options.model_dirs) dirs += (dirs.empty() ? "" : ":") + d.string();
  return "MOLT_MODELS=" + (dirs.empty() ? std::string("(not set)") : dirs) + "; Hugging Face cache " +
         (options.cache_dir.empty() ? std::string("(none)") : options.cache_dir.string());
}

}  // namespace

Runner add_models(CLI::App& cmd) {
  cmd.description(
      "List the models available without the network (MOLT_MODELS folders, then the Hugging "
      "Face cache) with architecture, dimension, max length and size; with MODEL, show where "
      "--model MODEL resolves to (nothing is downloaded)");
  struct Args {
    std::string model;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd.add_option("MODEL", args->model, "A --model argument to resolve: folder, .gguf file or Hub id");
  cmd.add_flag("--json", args->json,
               "Print one JSON object {\"models\": [...], \"model_dirs\": [...], \"cache_dir\": ...}");

  return [args] {
    const hub::HubOptions options = hub_options_from_environment();
    std::vector<Row> rows;
    if (!args->model.empty()) {
      hub::ResolveOptions resolve;
      resolve.allow_download = false;
      const hub::ResolvedModel found = hub::resolve_model(args->model, options, resolve);
      rows.push_back({hub::LocalModel{found.id.empty() ? args->model : found.id, found.path, found.source,
                                      found.commit},
                      {}});
    } else {
      for (auto& m : hub::list_local_models(options)) rows.push_back({std::move(m), {}});
    }
    for (auto& row : rows) row.summary = model::summarize_model(row.model.path);

    if (args->json) {
      nlohmann::json out = {{"models", nlohmann::json::array()},
                            {"model_dirs", nlohmann::json::array()},
                            {"cache_dir", options.cache_dir.string()}};
      for (const auto& r : rows) out["models"].push_back(to_json(r));
      for (const auto& d : options.model_dirs) out["model_dirs"].push_back(d.string());
      std::printf("%s\n", out.dump().c_str());
      return 0;
    }
    print_table(rows);
    if (rows.empty()) {
      std::fprintf(stderr, "no models found (%s): get one with `molt pull ORG/NAME`\n",
                   where_searched(options).c_str());
    }
    return 0;
  };
}

}  // namespace molt::cli
