#include "molt/eval/beir_dataset.h"

#include <nlohmann/json.hpp>

#include <unordered_map>
#include <unordered_set>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/eval/text_lines.h"

namespace molt::eval {
namespace {

nlohmann::json parse_object(std::string_view line, const Where& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error(std::string("malformed JSON: ") + e.what(), where);
  }
  if (!j.is_object()) throw input_error("expected a JSON object", where);
  return j;
}

std::string id_field(const nlohmann::json& j, const Where& where) {
  const auto it = j.find("_id");
  if (it == j.end()) throw input_error("missing \"_id\"", where);
  if (it->is_string()) {
    std::string id = it->get<std::string>();
    if (id.empty()) throw input_error("empty \"_id\"", where);
    return id;
  }
  if (it->is_number_integer()) return it->dump();
  Where w = where;
  w.field = "_id";
  throw input_error("\"_id\" must be a string", w);
}

std::string string_field(const nlohmann::json& j, const char* name, const Where& where) {
  const auto it = j.find(name);
  Where w = where;
  w.field = name;
  if (it == j.end()) throw input_error(std::string("missing \"") + name + "\"", w);
  if (!it->is_string()) throw input_error(std::string("\"") + name + "\" must be a string", w);
  return it->get<std::string>();
}

std::vector<BeirDocument> load_corpus(const std::filesystem::path& path, const ProgressFn& progress) {
  if (progress) progress(Progress{"load", 0, 0, "docs"});
  const std::string text = read_file(path);
  const std::string source = path.string();
  std::vector<BeirDocument> docs;
  std::unordered_map<std::string, std::int64_t> line_of;
  for_each_line(text, [&](std::string_view line, std::int64_t line_no) {
    if (is_blank(line)) return;
    const Where where{.file = source, .line = line_no};
    const nlohmann::json j = parse_object(line, where);
    BeirDocument d;
    d.id = id_field(j, where);
    d.text = string_field(j, "text", where);
    if (j.contains("title")) {
      d.title = string_field(j, "title", where);
      d.has_title = true;
    }
    const auto [it, inserted] = line_of.emplace(d.id, line_no);
    if (!inserted) {
      throw input_error("duplicate document id '" + d.id + "' (first on line " +
                            std::to_string(it->second) + ")", where);
    }
    docs.push_back(std::move(d));
    if (progress && docs.size() % 4096 == 0) progress(Progress{"load", docs.size(), 0, "docs"});
  });
  if (docs.empty()) throw input_error("the corpus has no documents", {.file = source});
  if (progress) progress(Progress{"load", docs.size(), docs.size(), "docs"});
  return docs;
}

}  // namespace

std::vector<BeirQuery> load_queries(const std::filesystem::path& path, const Qrels& qrels) {
  const std::string text = read_file(path);
  const std::string source = path.string();
  std::unordered_map<std::string, BeirQuery> wanted;
  std::unordered_set<std::string> seen;
  for_each_line(text, [&](std::string_view line, std::int64_t line_no) {
    if (is_blank(line)) return;
    const Where where{.file = source, .line = line_no};
    const nlohmann::json j = parse_object(line, where);
    BeirQuery q;
    q.id = id_field(j, where);
    q.text = string_field(j, "text", where);
    if (!seen.insert(q.id).second) throw input_error("duplicate query id '" + q.id + "'", where);
    if (qrels.by_query.count(q.id) != 0) wanted.emplace(q.id, std::move(q));
  });
  std::vector<BeirQuery> out;
  out.reserve(qrels.by_query.size());
  for (const auto& [qid, judgments] : qrels.by_query) {
    const auto it = wanted.find(qid);
    if (it == wanted.end()) {
      throw input_error("judged query '" + qid + "' is not in the queries file",
                        {.file = source, .row = qid});
    }
    out.push_back(std::move(it->second));
  }
  return out;
}

BeirDataset load_beir(const std::filesystem::path& dir, const std::string& split,
                      const ProgressFn& progress) {
  if (!std::filesystem::is_directory(dir)) {
    throw not_found_error("no such BEIR dataset folder", {.file = dir.string()});
  }
  BeirDataset ds;
  ds.split = split;
  ds.qrels = read_qrels(dir / "qrels" / (split + ".tsv"));
  ds.queries = load_queries(dir / "queries.jsonl", ds.qrels);
  ds.corpus = load_corpus(dir / "corpus.jsonl", progress);
  return ds;
}

}  // namespace molt::eval
