// Fuzz target: the HTTP request bodies the server parses (OpenAI /v1/embeddings, TEI /embed
// and /tokenize) and the URL paths it routes. Malformed input must throw molt::Error, whose
// OpenAI-shaped error body must always be valid JSON; parsed requests must hold only
// non-empty inputs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_target.h"
#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/server/api_error.h"
#include "molt/server/http_route.h"
#include "molt/server/openai_wire.h"
#include "molt/server/tei_wire.h"

namespace {

constexpr std::size_t kMaxInputs = 64;

void check_error_body(const molt::Error& e) {
  const std::string body = molt::server::error_body(molt::server::api_error(e));
  MOLT_CHECK(nlohmann::json::accept(body));
}

void check_inputs(const std::vector<molt::server::EmbedInput>& inputs) {
  MOLT_CHECK(!inputs.empty() && inputs.size() <= kMaxInputs);
  for (const auto& input : inputs) {
    if (const auto* text = std::get_if<std::string>(&input)) {
      MOLT_CHECK(!text->empty());
    } else {
      const auto& ids = std::get<molt::server::TokenIds>(input);
      MOLT_CHECK(!ids.empty());
      for (const std::int32_t id : ids) MOLT_CHECK(id >= 0);
    }
  }
}

template <typename Fn>
void guarded(Fn&& fn) {
  try {
    fn();
  } catch (const molt::Error& e) {
    check_error_body(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  guarded([&] {
    const auto req = molt::server::parse_embeddings_request(bytes, kMaxInputs);
    check_inputs(req.inputs);
    const std::vector<float> v(req.inputs.size() * 2, 0.5f);
    MOLT_CHECK(nlohmann::json::accept(molt::server::embeddings_response_body(
        req.model, v, 2, req.encoding_format, 0)));
  });
  guarded([&] { check_inputs(molt::server::parse_tei_embed_request(bytes, kMaxInputs).inputs); });
  guarded([&] {
    const auto req = molt::server::parse_tei_tokenize_request(bytes, kMaxInputs);
    MOLT_CHECK(!req.inputs.empty());
  });
  // The same bytes as a URL path.
  guarded([&] {
    std::map<std::string, std::string> params;
    (void)molt::server::match_route("/v1/collections/{name}/documents/{id}", bytes, &params);
    (void)molt::server::match_route("/v1/models/{id*}", bytes, &params);
  });
  MOLT_CHECK(nlohmann::json::accept(
      molt::server::error_body(molt::server::route_not_found_error("GET", bytes))));
  return 0;
}
