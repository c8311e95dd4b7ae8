// BM25 keyword search of a collection inside SQLite (fts5_bm25.h): the query is analyzed
// with the same English analysis as the documents, each distinct term becomes one clause
// weighing as many times as it occurs, and documents are ranked by Lucene's BM25 score,
// equal scores by lower key.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "molt/index/bm25_similarity.h"
#include "molt/index/english_analyzer.h"
#include "molt/index/top_k.h"
#include "molt/store/catalog.h"
#include "molt/store/metadata_filter.h"
#include "molt/store/sqlite.h"

namespace molt::store {

// Up to k (document key, score) hits; none when the query has no term (only stop words).
std::vector<index::Hit> keyword_search(Database& db, const CollectionInfo& collection, std::string_view text,
                                       std::size_t k, std::span<const MetadataFilter> filters,
                                       const index::Bm25Params& params, const index::EnglishAnalyzer& analyzer);

}  // namespace molt::store
