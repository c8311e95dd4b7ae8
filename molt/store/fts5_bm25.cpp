#include "molt/store/fts5_bm25.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "molt/base/error.h"
#include "molt/index/bm25_similarity.h"
#include "molt/index/english_analyzer.h"

namespace molt::store {
namespace {

fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

// --- tokenizer -----------------------------------------------------------------------

struct Tokenizer {
  index::EnglishAnalyzer analyzer;
};

int tokenizer_create(void*, const char**, int, Fts5Tokenizer** out) {
  try {
    *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer());
    return SQLITE_OK;
  } catch (...) {
    return SQLITE_NOMEM;
  }
}

void tokenizer_delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

int tokenizer_tokenize(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int n_text,
                       TokenCallback emit) {
  if (n_text <= 0) return SQLITE_OK;
  if ((flags & FTS5_TOKENIZE_QUERY) != 0) {
    // Query strings are analyzed terms already (keyword_search.cpp builds them).
    return emit(ctx, 0, text, n_text, 0, n_text);
  }
  try {
    const auto* tok = reinterpret_cast<const Tokenizer*>(t);
    int rc = SQLITE_OK;
    tok->analyzer.analyze(std::string_view(text, static_cast<std::size_t>(n_text)),
                          [&](const index::AnalyzedToken& token) {
                            if (rc != SQLITE_OK) return;
                            rc = emit(ctx, 0, token.term.data(), static_cast<int>(token.term.size()),
                                      static_cast<int>(token.begin), static_cast<int>(token.end));
                          });
    return rc;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

// --- ranking -------------------------------------------------------------------------

// What one MATCH query needs for every row: each phrase's weight and the scorer for the
// table's average length.
struct QueryWeights {
  std::vector<float> weight;  // boost_i * idf_i
  index::Bm25Scorer scorer;
};

int count_row(const Fts5ExtensionApi*, Fts5Context*, void* user) {
  ++*static_cast<std::int64_t*>(user);
  return SQLITE_OK;
}

int compute_weights(const Fts5ExtensionApi* api, Fts5Context* fts, int n_val, sqlite3_value** args,
                    QueryWeights** out) {
  const int n_phrases = api->xPhraseCount(fts);
  if (n_val != 2 + n_phrases) return SQLITE_MISUSE;
  const index::Bm25Params params{static_cast<float>(sqlite3_value_double(args[0])),
                                 static_cast<float>(sqlite3_value_double(args[1]))};
  sqlite3_int64 n_rows = 0;
  sqlite3_int64 n_tokens = 0;
  int rc = api->xRowCount(fts, &n_rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, 0, &n_tokens);
  if (rc != SQLITE_OK) return rc;
  auto weights = std::make_unique<QueryWeights>(QueryWeights{
      {}, index::Bm25Scorer(params, index::bm25_average_length(static_cast<std::uint64_t>(n_tokens),
                                                               static_cast<std::uint64_t>(n_rows)))});
  for (int i = 0; i < n_phrases; ++i) {
    std::int64_t doc_freq = 0;
    rc = api->xQueryPhrase(fts, i, &doc_freq, count_row);
    if (rc != SQLITE_OK) return rc;
    const auto boost = static_cast<float>(sqlite3_value_double(args[2 + i]));
    weights->weight.push_back(boost * index::bm25_idf(static_cast<std::uint64_t>(doc_freq),
                                                      static_cast<std::uint64_t>(n_rows)));
  }
  rc = api->xSetAuxdata(fts, weights.get(), [](void* p) { delete static_cast<QueryWeights*>(p); });
  if (rc != SQLITE_OK) return rc;
  *out = weights.release();
  return SQLITE_OK;
}

void bm25_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result, int n_val,
                   sqlite3_value** args) {
  try {
    auto* weights = static_cast<QueryWeights*>(api->xGetAuxdata(fts, 0));
    int rc = SQLITE_OK;
    if (weights == nullptr) rc = compute_weights(api, fts, n_val, args, &weights);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(result, rc);
      return;
    }
    int n_inst = 0;
    rc = api->xInstCount(fts, &n_inst);
    int length = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, 0, &length);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(result, rc);
      return;
    }
    std::vector<int> term_freq(weights->weight.size(), 0);
    for (int i = 0; i < n_inst; ++i) {
      int phrase = 0, column = 0, offset = 0;
      rc = api->xInst(fts, i, &phrase, &column, &offset);
      if (rc != SQLITE_OK) {
        sqlite3_result_error_code(result, rc);
        return;
      }
      if (phrase >= 0 && static_cast<std::size_t>(phrase) < term_freq.size()) ++term_freq[static_cast<std::size_t>(phrase)];
    }
    const std::uint8_t norm = index::encode_length(static_cast<std::uint32_t>(length));
    double score = 0.0;
    for (std::size_t i = 0; i < term_freq.size(); ++i) {
      if (term_freq[i] == 0) continue;
      score += weights->scorer.score(weights->weight[i], static_cast<float>(term_freq[i]), norm);
    }
    sqlite3_result_double(result, static_cast<double>(static_cast<float>(score)));
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(result);
  } catch (...) {
    sqlite3_result_error(result, "molt_bm25 failed", -1);
  }
}

}  // namespace

void register_fts5_bm25(Database& db) {
  fts5_api* api = fts5_api_of(db.handle());
  if (api == nullptr || api->iVersion < 2) throw internal_error("this SQLite has no FTS5");
  fts5_tokenizer tokenizer{tokenizer_create, tokenizer_delete, tokenizer_tokenize};
  int rc = api->xCreateTokenizer(api, "molt_english", nullptr, &tokenizer, nullptr);
  if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "molt_bm25", nullptr, bm25_function, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "cannot register the FTS5 extensions");
}

}  // namespace molt::store
