// JSON views of an Evaluation: the averages `molt eval` prints and the per-query file
// (`--per-query`) that lets two runs be compared query by query.
#pragma once

#include <nlohmann/json.hpp>

#include "molt/eval/trec_metrics.h"

namespace molt::eval {

// {"ndcg@10": mean, ..., "queries": n, "queries_in_run": m, "averaging": "..."}, metrics
// in Evaluation order. The mean is over every judged query (trec_eval -c).
nlohmann::ordered_json summary_json(const Evaluation& ev);

// {"<query id>": {"ndcg@10": v, ..., "relevant": n, "retrieved": true}, ...} in id order.
nlohmann::ordered_json per_query_json(const Evaluation& ev);

// The sentence summary_json puts under "averaging".
const char* averaging_note();

}  // namespace molt::eval
