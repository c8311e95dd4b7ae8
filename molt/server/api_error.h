// ApiError: how a failure is answered over HTTP. The one map from molt::Error kinds to HTTP
// status codes lives here (api_error()), next to the few refusals only the HTTP face makes
// (authentication, unknown route, oversized body); bodies take OpenAI's error shape
// {"error": {"message", "type", "param", "code"}} on every route.
#pragma once

#include <string>
#include <string_view>

#include "molt/base/error.h"

namespace molt::server {

struct ApiError {
  int status = 500;
  std::string type;     // OpenAI's error.type: "invalid_request_error", "server_error", ...
  std::string code;     // error.code; "" is written as null
  std::string message;  // one line naming what and where
  std::string param;    // the request field at fault; "" is written as null
  int retry_after_s = 0;  // > 0: sent as Retry-After (and retry-after-ms, which OpenAI's SDKs read)
};

// The map (STYLE rule 9): usage and input -> 400, not-found -> 404, conflict -> 409,
// overloaded -> 429 with Retry-After (retry_after_s, at least 1), io and internal -> 500.
// Where.field becomes param.
ApiError api_error(const Error& error, int retry_after_s = 1);

ApiError unauthorized_error();                                     // 401, code invalid_api_key
ApiError route_not_found_error(std::string_view method, std::string_view path);  // 404
ApiError method_not_allowed_error(std::string_view method, std::string_view path);  // 405
ApiError payload_too_large_error(std::size_t limit_bytes);        // 413
ApiError shutting_down_error();                                   // 503, while draining
ApiError internal_api_error(std::string_view what);               // 500, for a non-molt exception

// {"error":{"message":...,"type":...,"param":...,"code":...}}. Messages may quote what a
// client sent: bytes that are not UTF-8 become U+FFFD and long quotes are cut, so the body is
// always valid JSON of bounded size.
std::string error_body(const ApiError& error);

// `text` as it may appear inside an error message: at most `max_bytes` bytes of valid UTF-8
// (invalid sequences replaced by U+FFFD, "..." appended when cut).
std::string printable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace molt::server
