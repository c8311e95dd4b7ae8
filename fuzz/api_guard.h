// For the fuzz targets of the server's request readers: runs one reader on the input; a
// refusal must be a molt::Error whose OpenAI-shaped error body is valid JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/server/api_error.h"

namespace molt::fuzz {

template <typename Fn>
void api_guarded(Fn&& fn) {
  try {
    fn();
  } catch (const molt::Error& e) {
    MOLT_CHECK(nlohmann::json::accept(molt::server::error_body(molt::server::api_error(e))));
  }
}

}  // namespace molt::fuzz
