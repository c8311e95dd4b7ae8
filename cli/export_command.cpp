// molt export: a collection to JSONL, .npy/.npz + ids, or a FAISS flat index + ids.
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/store_flags.h"
#include "molt/store/exporter.h"

namespace molt::cli {
namespace {

struct ExportFlags {
  StoreFlags store;
  std::string collection;
  std::string space;
  std::string format = "jsonl";
  std::string output;
  std::string ids;
  bool no_vectors = false;
  std::string npz_key = "embeddings";
  bool progress = false;
};

int run_export(const ExportFlags& f) {
  std::unique_ptr<store::Store> db = f.store.open(false);
  ProgressBar bar(progress_wanted(f.progress));
  store::ExportOptions o;
  o.collection = f.collection;
  o.space = f.space;
  o.format = store::parse_export_format(f.format);
  o.output = f.output == "-" ? "" : f.output;
  o.out = &std::cout;
  o.ids = f.ids;
  o.vectors = !f.no_vectors;
  o.npz_key = f.npz_key;
  o.progress = bar.callback();
  const store::ExportResult r = store::export_collection(*db, o);
  bar.finish();
  if (!o.output.empty()) {
    nlohmann::ordered_json out;
    out["collection"] = f.collection;
    out["space"] = r.space;
    out["format"] = f.format;
    out["documents"] = r.documents;
    out["dim"] = r.dim;
    out["seq"] = r.seq;
    out["output"] = f.output;
    if (!f.ids.empty()) out["ids"] = f.ids;
    print_json_line(out);
  }
  return 0;
}

}  // namespace

Runner add_export(CLI::App& cmd) {
  auto f = std::make_shared<ExportFlags>();
  cmd.description(
      "Export a collection, from one consistent snapshot: jsonl ({\"id\", \"text\", \"metadata\", "
      "\"vector\"} per document, to --output or stdout), npy or npz (the space's vectors as a float32 "
      "matrix, rows in id order, with --ids naming each row), or faiss (an IndexFlatIP file for "
      "cosine and ip spaces, vectors normalized for cosine; IndexFlatL2 for l2; with --ids). Files "
      "appear only when complete. With --output, prints one JSON summary.");
  f->store.add_to(cmd, false);
  cmd.add_option("--collection", f->collection, "Collection or alias to export")->required();
  cmd.add_option("--space", f->space, "Space whose vectors to export (default: the serving space)");
  cmd.add_option("--format", f->format, "jsonl, npy, npz or faiss")->capture_default_str();
  cmd.add_option("--output", f->output, "Output file (jsonl: default stdout)");
  cmd.add_option("--ids", f->ids, "Id list to write beside npy, npz and faiss output (.json for a JSON array)");
  cmd.add_flag("--no-vectors", f->no_vectors, "jsonl: leave out the vectors");
  cmd.add_option("--npz-key", f->npz_key, "Name of the .npz member")->capture_default_str();
  cmd.add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  return [f] { return run_export(*f); };
}

}  // namespace molt::cli
