// molt collections: list, create and drop collections, set and drop aliases, check a store.
//   molt collections --db DIR [--json]
//   molt collections --db DIR --create NAME | --drop NAME | --alias A=C | --drop-alias A | --check
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_flags.h"
#include "molt/base/error.h"

namespace molt::cli {
namespace {

struct CollectionsFlags {
  StoreFlags store;
  std::string create;
  std::string drop;
  std::string alias;
  std::string drop_alias;
  bool check = false;
  std::string check_collection;
  bool json = false;
};

nlohmann::ordered_json check_json(const store::StoreCheck& check) {
  nlohmann::ordered_json j;
  j["ok"] = check.ok();
  j["sqlite"] = check.sqlite;
  j["collections"] = nlohmann::ordered_json::array();
  for (const store::CollectionCheck& c : check.collections) {
    nlohmann::ordered_json cj;
    cj["name"] = c.collection;
    cj["documents"] = c.documents;
    cj["keyword_index_ok"] = c.keyword_index_ok;
    if (!c.keyword_index_ok) cj["keyword_index_error"] = c.keyword_index_error;
    cj["spaces"] = nlohmann::ordered_json::array();
    for (const store::SpaceCheck& s : c.spaces) {
      cj["spaces"].push_back({{"name", s.space},
                              {"state", s.state},
                              {"vectors", s.vectors},
                              {"missing_vectors", s.missing_vectors},
                              {"stale_vectors", s.stale_vectors},
                              {"index",
                               {{"spec", s.index.spec},
                                {"seq", s.index.seq},
                                {"stored", s.index.stored},
                                {"indexed", s.index.indexed},
                                {"missing", s.index.missing},
                                {"extra", s.index.extra},
                                {"mismatched", s.index.mismatched},
                                {"ok", s.index.ok()}}}});
    }
    j["collections"].push_back(std::move(cj));
  }
  return j;
}

int run_collections(const CollectionsFlags& f) {
  const int actions = !f.create.empty() + !f.drop.empty() + !f.alias.empty() + !f.drop_alias.empty() + f.check;
  if (actions > 1) throw usage_error("give one of --create, --drop, --alias, --drop-alias, --check");
  std::unique_ptr<store::Store> db = f.store.open(!f.create.empty());
  if (!f.create.empty()) {
    const store::CollectionInfo c = db->create_collection(f.create);
    print_json_line({{"created", c.name}});
    return 0;
  }
  if (!f.drop.empty()) {
    db->drop_collection(f.drop);
    print_json_line({{"dropped", f.drop}});
    return 0;
  }
  if (!f.alias.empty()) {
    const auto eq = f.alias.find('=');
    if (eq == std::string::npos) throw usage_error("--alias takes ALIAS=COLLECTION", {.field = "alias"});
    const std::string alias = f.alias.substr(0, eq);
    const std::string target = f.alias.substr(eq + 1);
    db->set_alias(alias, target);
    print_json_line({{"alias", alias}, {"collection", db->collection(alias).name}});
    return 0;
  }
  if (!f.drop_alias.empty()) {
    db->drop_alias(f.drop_alias);
    print_json_line({{"dropped_alias", f.drop_alias}});
    return 0;
  }
  if (f.check) {
    const store::StoreCheck check = db->check(f.check_collection);
    print_json_line(check_json(check));
    return check.ok() ? 0 : 1;
  }
  const auto collections = db->list_collections();
  if (f.json) {
    nlohmann::ordered_json out;
    out["collections"] = nlohmann::ordered_json::array();
    for (const auto& c : collections) out["collections"].push_back(collection_json(c));
    out["aliases"] = nlohmann::ordered_json::array();
    for (const store::AliasInfo& a : db->aliases()) out["aliases"].push_back({{"alias", a.name}, {"collection", a.collection}});
    out["last_seq"] = db->last_seq();
    print_json_line(out);
  } else {
    for (const auto& c : collections) print_json_line(collection_json(c));
  }
  return 0;
}

}  // namespace

Runner add_collections(CLI::App& cmd) {
  auto f = std::make_shared<CollectionsFlags>();
  cmd.description(
      "List a store's collections, one JSON line each (name, documents, serving space, aliases, and "
      "every space with its model, dimension, metric, index, storage, state and vector count), or "
      "create, drop, alias or check them.");
  f->store.add_to(cmd, true);
  cmd.add_option("--create", f->create, "Create an empty collection (and the store if missing)");
  cmd.add_option("--drop", f->drop, "Drop a collection with its documents, spaces and indexes");
  cmd.add_option("--alias", f->alias, "Point ALIAS at COLLECTION (ALIAS=COLLECTION), creating or moving it atomically");
  cmd.add_option("--drop-alias", f->drop_alias, "Drop an alias");
  cmd.add_flag("--check", f->check,
               "Check the store: SQLite's integrity check, the keyword index, every space's vectors against "
               "its documents, and every vector index against the stored vectors; exit 1 when anything is off");
  cmd.add_option("--collection", f->check_collection, "With --check: only this collection");
  cmd.add_flag("--json", f->json, "Print one JSON object {collections, aliases, last_seq} instead of JSON lines");
  return [f] { return run_collections(*f); };
}

}  // namespace molt::cli
