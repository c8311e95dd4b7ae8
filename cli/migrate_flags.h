// Flags shared by the `molt migrate` subcommands: which store and collections (--db,
// --collection | --all-collections | --prefix), the target model of plan and run (--to and
// the new space's settings), --json.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/store_flags.h"

namespace molt::cli {

struct MigrateTargetFlags {
  StoreFlags store;
  std::string collection;
  bool all_collections = false;
  std::string prefix;
  bool json = false;
  void add_to(CLI::App& cmd);
  // The collections the flags name: one (resolved through an alias), every collection, or
  // every one whose name starts with --prefix, sorted. Throws usage_error when none is named
  // or several ways are, not_found_error when --prefix matches none.
  std::vector<std::string> collections(store::Store& db) const;
};

// Runs `one` on each collection `f` names, in order. One collection named by --collection:
// its failure propagates as any command's does. Several (--all-collections, --prefix): a
// collection that fails is reported as its outcome, on stdout as "collection C: failed
// (KIND): MESSAGE" or with --json as {"collection", "ok": false, "error": {"kind",
// "message", "exit_code"}}, and the others still run; a count of failures goes to stderr.
// `one` returns 0, or the exit code of a failure it reported itself (which counts like a
// thrown one), or kStoppedExitCode (Ctrl-C), which ends the loop at once and is returned.
// Returns 0 when all succeeded, else the exit code the failures share (2 for bad input, 1
// for a refused state and other failures), 1 when they differ.
constexpr int kStoppedExitCode = 130;
int for_each_collection(const MigrateTargetFlags& f, store::Store& db,
                        const std::function<int(const std::string&)>& one);

// --to M, --dim, the prompts, and the new space's --space/--index/--metric/--storage.
struct MigrateModelFlags {
  ModelFlags model;
  SpaceFlags space;
  void add_to(CLI::App& cmd);
};

// `migrate verify`, declared on the migrate command (migrate_verify_command.cpp).
std::pair<CLI::App*, std::function<int()>> add_migrate_verify(CLI::App& migrate_cmd);

}  // namespace molt::cli
