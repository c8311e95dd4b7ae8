// Keyword search inside SQLite with the field's BM25: molt registers two FTS5 extensions on
// every connection it opens.
//   tokenizer 'molt_english'   documents are analyzed by index::EnglishAnalyzer (Lucene's
//                              English analysis, as Anserini indexes BEIR); a query string
//                              is taken as one already-analyzed term, so a query is written
//                              as "term1" OR "term2" ... of analyzed terms
//   function 'molt_bm25(fts, k1, b, boost_1, ..., boost_n)'
//                              Lucene's BM25 (index/bm25_similarity.h) of the current row
//                              for the n phrases of the query, phrase i weighing boost_i;
//                              clause scores summed in double and rounded once to float,
//                              as index::Bm25Index sums them
// FTS5's built-in bm25() fixes k1 = 1.2 and b = 0.75 and has no Lucene length norm; with
// these, keyword search in the store gives the scores `molt eval --bm25` gives.
// BM25's N is FTS5's row count and avgdl its token total over N, so documents without any
// term are never inserted into an FTS table (Lucene's docCount counts only documents
// that have the field).
#pragma once

#include "molt/store/sqlite.h"

namespace molt::store {

// Registers both extensions on `db`. Throws internal_error when SQLite lacks FTS5.
void register_fts5_bm25(Database& db);

}  // namespace molt::store
