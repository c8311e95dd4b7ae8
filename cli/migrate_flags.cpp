#include "cli/migrate_flags.h"

#include <algorithm>
#include <cstdio>

#include "molt/base/error.h"

namespace molt::cli {

void MigrateTargetFlags::add_to(CLI::App& cmd) {
  store.add_to(cmd, false);
  auto* one = cmd.add_option("--collection", collection, "Collection (or alias) to migrate");
  auto* all = cmd.add_flag("--all-collections", all_collections, "Every collection of the store, one after another");
  auto* prefix_opt = cmd.add_option("--prefix", prefix, "Every collection whose name starts with P");
  one->excludes(all)->excludes(prefix_opt);
  all->excludes(prefix_opt);
  cmd.add_flag("--json", json, "One JSON object per collection on stdout instead of text");
}

std::vector<std::string> MigrateTargetFlags::collections(store::Store& db) const {
  if (!collection.empty()) return {db.collection(collection).name};
  if (!all_collections && prefix.empty()) {
    throw usage_error("name the collection: --collection C, --all-collections or --prefix P", {.field = "collection"});
  }
  std::vector<std::string> names;
  for (const store::CollectionStats& s : db.list_collections()) {
    if (all_collections || s.info.name.starts_with(prefix)) names.push_back(s.info.name);
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    throw not_found_error(all_collections ? std::string("the store has no collection")
                                          : "no collection name starts with '" + prefix + "'",
                          {.field = "prefix"});
  }
  return names;
}

int for_each_collection(const MigrateTargetFlags& f, store::Store& db,
                        const std::function<int(const std::string&)>& one) {
  const std::vector<std::string> names = f.collections(db);
  if (!f.collection.empty()) return one(names.front());
  std::vector<std::string> failed;
  int failed_code = 0;
  auto count_failure = [&](const std::string& name, int code) {
    failed_code = failed.empty() || failed_code == code ? code : 1;
    failed.push_back(name);
  };
  for (const std::string& name : names) {
    try {
      const int rc = one(name);
      if (rc == kStoppedExitCode) return rc;
      if (rc != 0) count_failure(name, rc);
    } catch (const Error& e) {
      const int code = exit_code(e.kind());
      count_failure(name, code);
      if (f.json) {
        nlohmann::ordered_json j;
        j["collection"] = name;
        j["ok"] = false;
        j["error"] = {{"kind", kind_name(e.kind())}, {"message", e.message()}, {"exit_code", code}};
        print_json_line(j);
      } else {
        const std::string line =
            "collection " + name + ": failed (" + kind_name(e.kind()) + "): " + e.message() + "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
      }
    }
  }
  if (failed.empty()) return 0;
  std::string list;
  for (const std::string& name : failed) list += (list.empty() ? "" : ", ") + name;
  std::fprintf(stderr, "molt: error: %zu of %zu collections failed: %s\n", failed.size(), names.size(), list.c_str());
  return failed_code;
}

void MigrateModelFlags::add_to(CLI::App& cmd) {
  model.add_to(cmd, "");
  // The model is spelled --to here: ModelFlags' --model gives way to it.
  cmd.remove_option(cmd.get_option("--model"));
  cmd.add_option("--to", model.model, "The new model: a folder, a .gguf file or a Hugging Face id")->required();
  space.add_to(cmd, "Name of the new space (default: the model's name, with the dimension when truncated)");
}

}  // namespace molt::cli
