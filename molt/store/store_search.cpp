// Store: search, index maintenance and checks (the rest of the class is in store.cpp).
#include <algorithm>
#include <unordered_map>

#include "molt/base/error.h"
#include "molt/index/rank_fusion.h"
#include "molt/store/document_reader.h"
#include "molt/store/filtered_keys.h"
#include "molt/store/keyword_search.h"
#include "molt/store/schema.h"
#include "molt/store/space_vectors.h"
#include "molt/store/store.h"

namespace molt::store {
namespace {

// How many times a search starts over in a newer snapshot because another thread brought
// the space's index past its own; each retry sees at least that newer state.
constexpr int kMaxAttempts = 32;

void check_request(const SearchRequest& r) {
  if (r.k == 0 || r.k > kMaxSearchK) {
    throw usage_error("k must be between 1 and " + std::to_string(kMaxSearchK), {.field = "k"});
  }
  if (r.mode != SearchMode::kDense && r.text.empty()) {
    throw usage_error(std::string(search_mode_name(r.mode)) + " search needs query text", {.field = "query"});
  }
  if (r.mode == SearchMode::kDense && r.text.empty() && r.vector.empty()) {
    throw usage_error("dense search needs query text or a query vector", {.field = "query"});
  }
}

}  // namespace

const char* search_mode_name(SearchMode mode) {
  switch (mode) {
    case SearchMode::kDense:
      return "dense";
    case SearchMode::kBm25:
      return "bm25";
    case SearchMode::kHybrid:
      return "hybrid";
  }
  return "?";
}

SearchMode parse_search_mode(std::string_view name) {
  for (const SearchMode m : {SearchMode::kDense, SearchMode::kBm25, SearchMode::kHybrid}) {
    if (name == search_mode_name(m)) return m;
  }
  throw usage_error("unknown search mode '" + std::string(name) + "' (valid: dense, bm25, hybrid)",
                    {.field = "mode"});
}

SearchResult Store::search(const SearchRequest& request, const EncoderProvider& encoders) {
  check_request(request);
  const bool dense = request.mode != SearchMode::kBm25;
  const bool keyword = request.mode != SearchMode::kDense;
  const std::size_t depth =
      request.mode == SearchMode::kHybrid ? std::max(request.k, request.fusion_depth) : request.k;
  std::vector<float> query = request.vector;
  std::int64_t embedded_for = 0;  // the space `query` was embedded for, when embedded here

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::shared_ptr<SpaceIndex> used_index;
    SearchResult result;
    {
      auto lease = pool_->reader();
      Database& db = *lease;
      Transaction txn(db, Transaction::Kind::kDeferred);
      result.seq = store::last_seq(db);
      const CollectionInfo c = require_collection(db, request.collection);
      result.collection = c.name;
      std::vector<index::Hit> dense_hits;
      std::vector<index::Hit> keyword_hits;
      if (dense) {
        const SpaceInfo& space = c.space_or_serving(request.space);
        result.space = space.name();
        if (request.vector.empty() && embedded_for != space.id) {
          // Embed outside the snapshot, then search again: the serving space could have
          // switched meanwhile, and the query must be embedded by the space it searches.
          const SpaceInfo copy = space;
          txn.commit();
          SpaceEncoder& encoder = encoder_for(copy, encoders, "", "search text needs a query vector");
          query = embed_for_space(encoder, copy, std::span<const std::string>(&request.text, 1), EmbedRole::kQuery);
          embedded_for = copy.id;
          continue;
        }
        if (query.size() != space.config.dim) {
          throw input_error("the query vector has " + std::to_string(query.size()) + " values, space '" +
                                space.name() + "' has dimension " + std::to_string(space.config.dim),
                            {.field = "vector"});
        }
        std::vector<std::int64_t> allowed;
        index::SearchOptions options;
        options.k = depth;
        options.exact = request.exact;
        options.ef_search = request.ef_search;
        options.nprobe = request.nprobe;
        if (!request.filters.empty()) {
          allowed = keys_matching(db, c, request.filters);
          options.allowed = &allowed;
        }
        used_index = space_index(space);
        const bool at_snapshot = used_index->with_index_at(
            db, result.seq, [&](const index::VectorIndex& idx) { dense_hits = idx.search(query, options); });
        if (!at_snapshot) continue;
      }
      if (keyword) {
        keyword_hits = keyword_search(db, c, request.text, depth, request.filters, request.bm25, analyzer_);
      }
      std::vector<index::Hit> hits;
      if (request.mode == SearchMode::kHybrid) {
        const std::vector<index::Hit> rankings[] = {std::move(dense_hits), std::move(keyword_hits)};
        hits = index::reciprocal_rank_fusion(rankings, request.k, {.k = 60.0, .depth = depth});
      } else {
        hits = dense ? std::move(dense_hits) : std::move(keyword_hits);
      }
      std::vector<std::int64_t> keys;
      keys.reserve(hits.size());
      for (const index::Hit& h : hits) keys.push_back(h.id);
      ReadOptions read;
      read.text = request.with_text;
      read.metadata = request.with_metadata;
      std::unordered_map<std::int64_t, Document> docs;
      for (Document& d : read_documents_by_key(db, c, keys, read)) docs.emplace(d.key, std::move(d));
      txn.commit();
      for (const index::Hit& h : hits) {
        auto it = docs.find(h.id);
        if (it == docs.end()) continue;  // cannot happen within one snapshot; never invent a hit
        result.hits.push_back({std::move(it->second.id), h.score, std::move(it->second.text),
                               std::move(it->second.metadata)});
      }
    }
    if (used_index) used_index->persist(false);
    return result;
  }
  throw conflict_error("searches kept meeting newer index states; retry");
}

void Store::refresh_indexes(std::string_view collection, const ProgressFn& progress) {
  std::vector<std::shared_ptr<SpaceIndex>> refreshed;
  {
    auto lease = pool_->reader();
    Transaction txn(*lease, Transaction::Kind::kDeferred);
    const std::int64_t seq = store::last_seq(*lease);
    const CollectionInfo c = require_collection(*lease, collection);
    std::uint64_t done = 0;
    for (const SpaceInfo& s : c.spaces) {
      if (progress) progress({"index", done, c.spaces.size(), "spaces"});
      auto idx = space_index(s);
      // An index already past this snapshot is newer still: nothing to do for it.
      idx->with_index_at(*lease, seq, [](const index::VectorIndex&) {});
      refreshed.push_back(std::move(idx));
      ++done;
    }
    if (progress) progress({"index", done, c.spaces.size(), "spaces"});
    txn.commit();
  }
  for (const auto& idx : refreshed) idx->persist(true);
}

void Store::save_indexes() {
  std::vector<std::shared_ptr<SpaceIndex>> all;
  {
    std::lock_guard lock(indexes_mutex_);
    for (const auto& [id, idx] : indexes_) all.push_back(idx);
  }
  for (const auto& idx : all) idx->persist(false);
}

std::vector<IndexCheck> Store::check_indexes(std::string_view collection) {
  auto lease = pool_->reader();
  Transaction txn(*lease, Transaction::Kind::kDeferred);
  const std::int64_t seq = store::last_seq(*lease);
  const CollectionInfo c = require_collection(*lease, collection);
  std::vector<IndexCheck> out;
  for (const SpaceInfo& s : c.spaces) out.push_back(space_index(s)->check(*lease, seq));
  txn.commit();
  return out;
}

StoreCheck Store::check(std::string_view collection) {
  StoreCheck out;
  std::vector<CollectionInfo> collections;
  {
    auto lease = pool_->reader();
    Database& db = *lease;
    Transaction txn(db, Transaction::Kind::kDeferred);
    const std::int64_t seq = store::last_seq(db);
    Statement integrity = db.prepare("PRAGMA integrity_check");
    while (integrity.step()) out.sqlite.push_back(integrity.text(0));
    if (collection.empty()) {
      collections = store::list_collections(db);
    } else {
      collections.push_back(require_collection(db, collection));
    }
    for (const CollectionInfo& c : collections) {
      CollectionCheck cc;
      cc.collection = c.name;
      cc.documents = count_documents(db, c);
      for (const SpaceInfo& s : c.spaces) {
        SpaceCheck sc;
        sc.space = s.name();
        sc.state = space_state_name(s.state);
        sc.vectors = count_vectors(db, s);
        const std::string docs = docs_table(c.id);
        const std::string vecs = vectors_table(s.id);
        Statement missing = db.prepare("SELECT count(*) FROM " + docs + " d LEFT JOIN " + vecs +
                                       " v ON v.doc_key = d.key WHERE v.doc_key IS NULL");
        missing.step();
        sc.missing_vectors = missing.int64(0);
        Statement stale = db.prepare("SELECT count(*) FROM " + docs + " d JOIN " + vecs +
                                     " v ON v.doc_key = d.key WHERE v.doc_seq != d.seq");
        stale.step();
        sc.stale_vectors = stale.int64(0);
        sc.index = space_index(s)->check(db, seq);
        cc.spaces.push_back(std::move(sc));
      }
      out.collections.push_back(std::move(cc));
    }
    txn.commit();
  }
  // FTS5 checks its own structures through a command that SQLite treats as a write.
  for (std::size_t i = 0; i < collections.size(); ++i) {
    try {
      pool_->write([&](Database& db) {
        const std::string fts = fts_table(collections[i].id);
        db.exec("INSERT INTO " + fts + "(" + fts + ") VALUES ('integrity-check')");
      });
    } catch (const Error& e) {
      out.collections[i].keyword_index_ok = false;
      out.collections[i].keyword_index_error = e.what_only();
    }
  }
  return out;
}

}  // namespace molt::store
