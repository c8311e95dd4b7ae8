// Fuzz target: the request bodies of the collection routes (create, upsert, get, delete,
// search, alias) and their metadata filters. Malformed input must throw molt::Error, whose
// OpenAI-shaped error body must always be valid JSON; what parses must hold what the store
// is promised: bounded batches, finite vectors, k in range, filters on scalar values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/api_guard.h"
#include "fuzz/fuzz_target.h"
#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/server/collection_wire.h"

namespace {

constexpr std::size_t kMaxItems = 64;

using molt::fuzz::api_guarded;

void check_finite(const std::vector<float>& v) {
  MOLT_CHECK(!v.empty());
  for (const float x : v) MOLT_CHECK(std::isfinite(x));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace molt::server;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  api_guarded([&] {
    const CreateCollectionRequest r = parse_create_collection(bytes);
    MOLT_CHECK(!r.name.empty());
    if (r.space) {
      MOLT_CHECK(r.space->query_prompt.name.empty() || r.space->query_prompt.prefix.empty());
      MOLT_CHECK(r.space->document_prompt.name.empty() || r.space->document_prompt.prefix.empty());
    }
  });
  api_guarded([&] {
    const UpsertRequest r = parse_upsert(bytes, kMaxItems);
    MOLT_CHECK(!r.documents.empty() && r.documents.size() <= kMaxItems);
    for (const auto& d : r.documents) {
      MOLT_CHECK(d.metadata.is_object());
      for (const auto& [space, v] : d.vectors) check_finite(v);
    }
  });
  api_guarded([&] {
    const GetRequest r = parse_get(bytes, kMaxItems);
    MOLT_CHECK(!r.ids.empty() && r.ids.size() <= kMaxItems);
  });
  api_guarded([&] { MOLT_CHECK(!parse_delete(bytes, kMaxItems).empty()); });
  api_guarded([&] {
    const molt::store::SearchRequest r = parse_search(bytes, "c");
    MOLT_CHECK(r.k >= 1 && r.k <= molt::store::kMaxSearchK);
    MOLT_CHECK(!r.text.empty() || !r.vector.empty());
    if (!r.vector.empty()) check_finite(r.vector);
    for (const auto& f : r.filters) MOLT_CHECK(!f.path.empty() && !f.value.is_structured());
    // A result naming what was asked is always valid JSON, whatever bytes the query held.
    molt::store::SearchResult result;
    result.collection = "c";
    molt::store::SearchHit hit;
    hit.id = r.text;
    hit.text = r.text;
    hit.metadata = nlohmann::json::object();
    result.hits.push_back(hit);
    MOLT_CHECK(nlohmann::json::accept(dump_json(search_result_json(result, r))));
  });
  api_guarded([&] { MOLT_CHECK(!parse_alias_target(bytes).empty()); });
  return 0;
}
