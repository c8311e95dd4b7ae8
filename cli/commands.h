// The subcommands of the molt CLI. Each add_* declares its flags on a CLI11 subcommand and
// returns the function main() runs when that subcommand was chosen. Runners return the
// process exit code and throw molt::Error for failures a user can cause.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace molt::cli {

using Runner = std::function<int()>;

Runner add_version(CLI::App& cmd);
Runner add_pull(CLI::App& cmd);
Runner add_models(CLI::App& cmd);
Runner add_eval(CLI::App& cmd);
Runner add_inspect(CLI::App& cmd);
Runner add_tokenize(CLI::App& cmd);
Runner add_embed(CLI::App& cmd);
Runner add_bench(CLI::App& cmd);
Runner add_serve(CLI::App& cmd);
Runner add_ingest(CLI::App& cmd);
Runner add_search(CLI::App& cmd);
Runner add_collections(CLI::App& cmd);
Runner add_import(CLI::App& cmd);
Runner add_export(CLI::App& cmd);
Runner add_migrate(CLI::App& cmd);

}  // namespace molt::cli
