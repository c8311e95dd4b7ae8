#include "molt/eval/eval_report.h"

namespace molt::eval {

const char* averaging_note() {
  return "trec_eval -c: mean over every judged query; a judged query with no results scores 0";
}

nlohmann::ordered_json summary_json(const Evaluation& ev) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::size_t m = 0; m < ev.metrics.size(); ++m) out[ev.metrics[m].name()] = ev.means[m];
  std::size_t in_run = 0;
  for (const QueryEvaluation& q : ev.queries) in_run += q.in_run ? 1 : 0;
  out["queries"] = ev.queries.size();
  out["queries_in_run"] = in_run;
  out["averaging"] = averaging_note();
  return out;
}

nlohmann::ordered_json per_query_json(const Evaluation& ev) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const QueryEvaluation& q : ev.queries) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    for (std::size_t m = 0; m < ev.metrics.size(); ++m) row[ev.metrics[m].name()] = q.values[m];
    row["relevant"] = q.n_relevant;
    row["retrieved"] = q.in_run;
    out[q.query_id] = std::move(row);
  }
  return out;
}

}  // namespace molt::eval
