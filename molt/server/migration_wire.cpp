#include "molt/server/migration_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>

#include "molt/base/error.h"
#include "molt/server/json_fields.h"

namespace molt::server {
namespace {

using nlohmann::json;

constexpr std::string_view kSpaceFields[] = {
    "model",       "space",        "dimensions",      "metric",         "index", "storage",
    "query_prompt", "query_prefix", "document_prompt", "document_prefix"};

MigrationTargetRequest parse_target(std::string_view body, std::string_view extra) {
  const json j = parse_json_object(body);
  for (const auto& [key, value] : j.items()) {
    if (key != extra && std::find(std::begin(kSpaceFields), std::end(kSpaceFields), key) == std::end(kSpaceFields)) {
      std::string list;
      for (const std::string_view k : kSpaceFields) list += std::string(k) + ", ";
      throw input_error("unknown field '" + key + "' (this route takes: " + list + std::string(extra) + ")",
                        {.field = key});
    }
  }
  const auto model = string_field(j, "model");
  if (!model || model->empty()) {
    throw input_error("missing 'model': the served model to migrate to", {.field = "model"});
  }
  MigrationTargetRequest r;
  r.space = parse_space_fields(j);
  return r;
}

// {"query id": {"doc id": relevance, ...}, ...} as judgments sorted by doc id.
eval::Qrels parse_inline_qrels(const json& value) {
  if (!value.is_object() || value.empty()) {
    throw input_error("'qrels' must be a non-empty object {\"query id\": {\"doc id\": relevance}}, or a file path, "
                      "not " + json_type_name(value),
                      {.field = "qrels"});
  }
  eval::Qrels qrels;
  for (const auto& [query, docs] : value.items()) {
    const std::string at = "qrels." + query;
    if (!docs.is_object() || docs.empty()) {
      throw input_error("'" + at + "' must be a non-empty object {\"doc id\": relevance}, not " + json_type_name(docs),
                        {.field = at});
    }
    std::vector<eval::Judgment>& judged = qrels.by_query[query];
    for (const auto& [doc, rel] : docs.items()) {
      if (!rel.is_number_integer() && !rel.is_number_unsigned()) {
        throw input_error("'" + at + "." + doc + "' must be an integer relevance, not " + json_type_name(rel),
                          {.field = at});
      }
      const auto grade = rel.get<std::int64_t>();
      if (grade < -1000 || grade > 1000) {
        throw input_error("'" + at + "." + doc + "' is out of range [-1000, 1000]", {.field = at});
      }
      judged.push_back({doc, static_cast<int>(grade)});
    }
    std::sort(judged.begin(), judged.end(),
              [](const eval::Judgment& a, const eval::Judgment& b) { return a.doc_id < b.doc_id; });
  }
  return qrels;
}

// [{"_id", "text"}, ...]: the judged ones, in id order; every judged query must be there.
std::vector<eval::BeirQuery> parse_inline_queries(const json& value, const eval::Qrels& qrels) {
  if (!value.is_array() || value.empty()) {
    throw input_error("'queries' must be a non-empty array of {\"_id\", \"text\"}, or a file path, not " +
                          json_type_name(value),
                      {.field = "queries"});
  }
  std::map<std::string, std::string> by_id;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = "queries[" + std::to_string(i) + "]";
    const json& q = value[i];
    if (!q.is_object()) throw input_error("'" + at + "' must be an object, not " + json_type_name(q), {.field = at});
    const auto id = string_field(q, "_id");
    const auto text = string_field(q, "text");
    if (!id || id->empty()) throw input_error("'" + at + "._id' must be a non-empty string", {.field = at + "._id"});
    if (!text || text->empty()) throw input_error("'" + at + ".text' must be a non-empty string", {.field = at + ".text"});
    if (!by_id.emplace(*id, *text).second) {
      throw input_error("'" + at + "._id' repeats query id '" + *id + "'", {.field = at + "._id"});
    }
  }
  std::vector<eval::BeirQuery> queries;
  for (const auto& [id, judgments] : qrels.by_query) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) throw input_error("query '" + id + "' is judged in 'qrels' but not in 'queries'", {.field = "queries"});
    queries.push_back({id, it->second});
  }
  return queries;
}

}  // namespace

MigrationTargetRequest parse_migration_plan(std::string_view body) {
  MigrationTargetRequest r = parse_target(body, "sample");
  const json j = parse_json_object(body);
  if (const auto n = integer_field(j, "sample", 1, 100000)) r.sample = static_cast<std::size_t>(*n);
  return r;
}

MigrationTargetRequest parse_migration_start(std::string_view body) {
  MigrationTargetRequest r = parse_target(body, "batch_size");
  const json j = parse_json_object(body);
  if (const auto n = integer_field(j, "batch_size", 1, 1 << 16)) r.batch_size = static_cast<std::size_t>(*n);
  return r;
}

double parse_canary_percent(std::string_view body) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"percent"});
  const auto p = number_field(j, "percent");
  if (!p) throw input_error("missing 'percent': the share of searches for the new space, 0-100", {.field = "percent"});
  if (!std::isfinite(*p) || *p < 0 || *p > 100) {
    throw input_error("'percent' must be between 0 and 100", {.field = "percent"});
  }
  return *p;
}

std::string parse_abort_space(std::string_view body) {
  if (std::all_of(body.begin(), body.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return {};
  }
  const json j = parse_json_object(body);
  check_known_fields(j, {"space"});
  return string_field(j, "space").value_or("");
}

VerifyRequest parse_verify(std::string_view body) {
  VerifyRequest r;
  const bool empty = std::all_of(body.begin(), body.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (empty) return r;
  const json j = parse_json_object(body);
  check_known_fields(j, {"beir", "split", "queries", "qrels", "sample", "pseudo_queries", "resamples", "seed"});
  migrate::VerifyOptions& o = r.options;
  if (const auto n = integer_field(j, "sample", 0, 1 << 20)) o.sample = static_cast<std::size_t>(*n);
  if (const auto n = integer_field(j, "pseudo_queries", 1, 1 << 20)) o.quality.pseudo_queries = static_cast<std::size_t>(*n);
  if (const auto n = integer_field(j, "resamples", 0, 1000000)) o.quality.resamples = static_cast<int>(*n);
  if (const auto n = integer_field(j, "seed", 0, std::numeric_limits<std::int64_t>::max())) {
    o.seed = static_cast<std::uint64_t>(*n);
  }
  o.quality.seed = o.seed;
  r.beir = string_field(j, "beir").value_or("");
  if (const auto split = string_field(j, "split")) {
    if (r.beir.empty()) throw input_error("'split' goes with 'beir'", {.field = "split"});
    if (split->empty() || split->find('/') != std::string::npos || split->find('\0') != std::string::npos) {
      throw input_error("'split' must be a qrels split name such as \"test\"", {.field = "split"});
    }
    r.split = *split;
  }
  const auto queries = j.find("queries");
  const auto qrels = j.find("qrels");
  const bool has_queries = queries != j.end() && !queries->is_null();
  const bool has_qrels = qrels != j.end() && !qrels->is_null();
  if (!r.beir.empty() && (has_queries || has_qrels)) {
    throw input_error("give either 'beir' or 'queries' and 'qrels', not both", {.field = has_queries ? "queries" : "qrels"});
  }
  if (has_queries != has_qrels) {
    throw input_error("'queries' and 'qrels' go together", {.field = has_queries ? "qrels" : "queries"});
  }
  if (!has_queries) return r;
  if (queries->is_string() && qrels->is_string()) {
    r.queries_file = queries->get<std::string>();
    r.qrels_file = qrels->get<std::string>();
    if (r.queries_file.empty() || r.qrels_file.empty()) {
      throw input_error("'queries' and 'qrels' file paths must not be empty", {.field = r.queries_file.empty() ? "queries" : "qrels"});
    }
    return r;
  }
  if (queries->is_string() || qrels->is_string()) {
    throw input_error("'queries' and 'qrels' are both file paths or both inline", {.field = "qrels"});
  }
  o.quality.qrels = parse_inline_qrels(*qrels);
  o.quality.queries = parse_inline_queries(*queries, o.quality.qrels);
  o.queries_source = "inline queries (" + std::to_string(o.quality.queries.size()) + ")";
  return r;
}

}  // namespace molt::server
