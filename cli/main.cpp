// molt: the command-line face of the library. Parses flags, runs one subcommand, and turns
// a molt::Error into CONTRACT.md's one-line message and exit code.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "molt/base/error.h"

namespace {

struct CommandEntry {
  const char* name;
  const char* summary;
  molt::cli::Runner (*add)(CLI::App& cmd);
};

// The subcommand table, in the order `molt --help` lists them.
constexpr CommandEntry kCommands[] = {
    {"version", "Print molt's version and build features as JSON", molt::cli::add_version},
    {"pull", "Download a model from the Hugging Face Hub into the Hugging Face cache", molt::cli::add_pull},
    {"models", "List the models available locally, or show where a --model argument resolves", molt::cli::add_models},
    {"eval", "Evaluate retrieval (BM25 on BEIR, or a TREC run) with trec_eval's measures",
     molt::cli::add_eval},
    {"inspect", "Describe a .safetensors, .gguf, .npy or .npz file as JSON", molt::cli::add_inspect},
    {"tokenize", "Token ids of JSONL texts, as the model's tokenizer makes them", molt::cli::add_tokenize},
    {"embed", "Embed JSONL texts with a model, as sentence-transformers would (JSONL or .npy out)",
     molt::cli::add_embed},
    {"bench", "Measure the encoder's throughput (tokens/s, model GFLOP/s) and latency on a JSONL file",
     molt::cli::add_bench},
    {"serve", "Serve embeddings over HTTP (OpenAI- and TEI-compatible), with /metrics", molt::cli::add_serve},
    {"ingest", "Add or replace documents in a collection from JSONL", molt::cli::add_ingest},
    {"search", "Search a collection: dense, BM25 or hybrid; JSONL results", molt::cli::add_search},
    {"collections", "List, create, drop, alias and check collections", molt::cli::add_collections},
    {"import", "Import documents and vectors from JSONL, .npy/.npz + ids, or FAISS files", molt::cli::add_import},
    {"export", "Export a collection to JSONL, .npy/.npz + ids, or a FAISS file", molt::cli::add_export},
    {"migrate", "Move a live collection to a new embedding model: plan, run, verify, canary, cutover, rollback",
     molt::cli::add_migrate},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"molt: run embedding models and migrate knowledge bases between them"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");

  std::vector<std::pair<CLI::App*, molt::cli::Runner>> commands;
  for (const CommandEntry& entry : kCommands) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    commands.emplace_back(sub, entry.add(*sub));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "molt: error: %s (usage; see molt --help)\n", e.what());
    return 2;
  }

  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
    return 2;
  } catch (const molt::Error& e) {
    std::fprintf(stderr, "molt: error: %s\n", e.message().c_str());
    return molt::exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "molt: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "molt: error: %s (internal)\n", e.what());
    return 1;
  }
}
