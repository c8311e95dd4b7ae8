// molt search: dense, BM25 or hybrid search of a collection; JSONL results.
//   molt search --db DIR --collection C [--k 10] [--mode dense|bm25|hybrid] [--filter K=V]... QUERY
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/space_encoders.h"
#include "cli/store_flags.h"
#include "molt/base/error.h"
#include "molt/base/text_format.h"
#include "molt/migrate/routed_search.h"
#include "molt/store/metadata_filter.h"

namespace molt::cli {
namespace {

struct SearchFlags {
  StoreFlags store;
  std::string model;
  std::string collection;
  std::string space;
  std::string mode = "dense";
  std::size_t k = 10;
  std::vector<std::string> filters;
  std::string vector;
  bool exact = false;
  int ef_search = 0;
  int nprobe = 0;
  double k1 = 0.9;
  double b = 0.4;
  bool metadata = false;
  std::string query;
};

std::vector<float> parse_query_vector(const std::string& text) {
  const Where where{.field = "vector"};
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.empty()) {
    throw usage_error("--vector takes a JSON array of numbers, e.g. [0.1,0.2]", where);
  }
  std::vector<float> v;
  for (const auto& x : j) {
    if (!x.is_number()) throw usage_error("--vector takes a JSON array of numbers", where);
    v.push_back(x.get<float>());
  }
  return v;
}

int run_search(const SearchFlags& f) {
  store::SearchRequest r;
  r.collection = f.collection;
  r.space = f.space;
  r.mode = store::parse_search_mode(f.mode);
  r.text = f.query;
  if (!f.vector.empty()) r.vector = parse_query_vector(f.vector);
  r.k = f.k;
  for (const std::string& filter : f.filters) r.filters.push_back(store::parse_metadata_filter(filter));
  r.exact = f.exact;
  r.ef_search = f.ef_search;
  r.nprobe = f.nprobe;
  r.bm25 = {static_cast<float>(f.k1), static_cast<float>(f.b)};
  r.with_metadata = f.metadata;
  // The query text is embedded by the searched space's model: --model when given (the store
  // checks it is that model), else the model the space records.
  SpaceEncoders encoders(f.store.threads, false);
  store::EncoderProvider provider = encoders.provider();
  if (!f.model.empty()) {
    RuntimeSpaceEncoder& given = encoders.load(f.model);
    provider = [&given](const store::SpaceInfo&) -> store::SpaceEncoder* { return &given; };
  }
  std::unique_ptr<store::Store> db = f.store.open(false);
  // During a migration's canary, a text query that names no space goes to the side its
  // hash picks.
  const store::SearchResult result = migrate::routed_search(*db, r, provider);
  std::string out;
  for (const store::SearchHit& h : result.hits) {
    out += "{\"id\":";
    append_json_string(out, h.id);
    out += ",\"score\":";
    append_float(out, h.score);
    out += ",\"text\":";
    append_json_string(out, h.text);
    if (f.metadata) out += ",\"metadata\":" + h.metadata.dump();
    out += "}\n";
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) throw io_error("cannot write to stdout");
  std::fflush(stdout);
  return 0;
}

}  // namespace

Runner add_search(CLI::App& cmd) {
  auto f = std::make_shared<SearchFlags>();
  cmd.description(
      "Search a collection (or an alias): dense (the serving space's vectors; the query embedded by "
      "its model, or --vector), bm25 (keyword, Lucene's English analysis and BM25) or hybrid "
      "(reciprocal rank fusion of both). Prints one line per hit, best first: {\"id\", \"score\", "
      "\"text\"} (and \"metadata\" with --metadata). Every part of the answer comes from one "
      "consistent snapshot of the store.");
  f->store.add_to(cmd, false);
  cmd.add_option("--collection", f->collection, "Collection or alias to search")->required();
  cmd.add_option("QUERY", f->query, "Query text (bm25 and hybrid)");
  cmd.add_option("--mode", f->mode, "dense, bm25 or hybrid")->capture_default_str();
  cmd.add_option("--k", f->k, "Number of results")
      ->check(CLI::Range(std::size_t{1}, store::kMaxSearchK))
      ->capture_default_str();
  cmd.add_option("--filter", f->filters,
                 "Metadata equality KEY=VALUE (repeatable, all must hold): year=2021 is a number, "
                 "lang=en or code=\"2021\" a string, true/false/null; a.b=x a nested field")
      ->allow_extra_args(false);
  cmd.add_option("--space", f->space, "Space to search (default: the serving space)");
  cmd.add_option("--vector", f->vector,
                 "Query vector as a JSON array (dense and hybrid); without it the query text is embedded "
                 "by the space's model with its query prompt");
  cmd.add_option("--model", f->model,
                 "The space's model (a folder, .gguf file or Hugging Face id), when the one the space records "
                 "is not where it was; checked to be the same model");
  cmd.add_flag("--exact", f->exact, "Exact search (brute force) whatever the space's index");
  cmd.add_option("--ef-search", f->ef_search, "HNSW candidate list size for this search (default: the space's)")
      ->check(CLI::Range(1, 65536));
  cmd.add_option("--nprobe", f->nprobe, "IVF lists visited for this search (default: the space's)")
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_option("--k1", f->k1, "BM25 k1")->check(CLI::Range(0.0, 1000.0))->capture_default_str();
  cmd.add_option("--b", f->b, "BM25 b")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd.add_flag("--metadata", f->metadata, "Include each hit's metadata");
  return [f] { return run_search(*f); };
}

}  // namespace molt::cli
