#include "molt/store/keyword_search.h"

#include <algorithm>
#include <string>

#include "molt/store/filtered_keys.h"
#include "molt/store/schema.h"

namespace molt::store {

std::vector<index::Hit> keyword_search(Database& db, const CollectionInfo& collection, std::string_view text,
                                       std::size_t k, std::span<const MetadataFilter> filters,
                                       const index::Bm25Params& params, const index::EnglishAnalyzer& analyzer) {
  // Distinct terms in order of first occurrence (the order Bm25Index sums clauses in).
  std::vector<std::pair<std::string, int>> clauses;
  for (std::string& term : analyzer.terms(text)) {
    auto it = std::find_if(clauses.begin(), clauses.end(), [&](const auto& c) { return c.first == term; });
    if (it == clauses.end()) {
      clauses.emplace_back(std::move(term), 1);
    } else {
      ++it->second;
    }
  }
  if (clauses.empty() || k == 0) return {};

  std::string match;
  for (const auto& [term, count] : clauses) {
    if (!match.empty()) match += " OR ";
    match += '"';
    for (const char c : term) {
      if (c == '"') match += '"';  // FTS5 escapes a quote by doubling it
      match += c;
    }
    match += '"';
  }
  const std::string fts = fts_table(collection.id);
  // ?1 MATCH, ?2 k1, ?3 b, ?4 limit, ?5.. boosts, then the filter's parameters.
  std::string sql = "SELECT " + fts + ".rowid, molt_bm25(" + fts + ", ?2, ?3";
  const int first_boost = 5;
  for (std::size_t i = 0; i < clauses.size(); ++i) sql += ", ?" + std::to_string(first_boost + static_cast<int>(i));
  sql += ") AS score FROM " + fts;
  const int first_filter = first_boost + static_cast<int>(clauses.size());
  FilterSql filter;
  if (!filters.empty()) {
    filter = filter_sql(filters, "d.metadata", first_filter);
    sql += " JOIN " + docs_table(collection.id) + " AS d ON d.key = " + fts + ".rowid";
  }
  sql += " WHERE " + fts + " MATCH ?1";
  if (!filters.empty()) sql += " AND " + filter.condition;
  sql += " ORDER BY score DESC, " + fts + ".rowid LIMIT ?4";

  Statement select = db.prepare(sql);
  select.bind(1, std::string_view(match))
      .bind(2, static_cast<double>(params.k1))
      .bind(3, static_cast<double>(params.b))
      .bind(4, static_cast<std::int64_t>(k));
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    select.bind(first_boost + static_cast<int>(i), static_cast<double>(clauses[i].second));
  }
  if (!filters.empty()) bind_filter_params(select, filter, first_filter);
  std::vector<index::Hit> hits;
  while (select.step()) hits.push_back({select.int64(0), static_cast<float>(select.real(1))});
  return hits;
}

}  // namespace molt::store
