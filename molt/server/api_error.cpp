#include "molt/server/api_error.h"

#include <algorithm>
#include <cstdint>

#include "molt/base/text_format.h"

namespace molt::server {
namespace {

constexpr const char* kInvalidRequest = "invalid_request_error";
constexpr const char* kServerError = "server_error";

ApiError make(int status, const char* type, std::string code, std::string message,
              std::string param = {}) {
  ApiError e;
  e.status = status;
  e.type = type;
  e.code = std::move(code);
  e.message = std::move(message);
  e.param = std::move(param);
  return e;
}

void append_string_or_null(std::string& out, const std::string& s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

}  // namespace

ApiError api_error(const Error& error, int retry_after_s) {
  const std::string& field = error.where().field;
  switch (error.kind()) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
      return make(400, kInvalidRequest, "invalid_value", error.message(), field);
    case ErrorKind::kNotFound:
      // OpenAI's SDKs and users recognise model_not_found for an unknown "model".
      return make(404, kInvalidRequest, field == "model" ? "model_not_found" : "not_found",
                  error.message(), field);
    case ErrorKind::kConflict:
      return make(409, kInvalidRequest, "conflict", error.message(), field);
    case ErrorKind::kOverloaded: {
      ApiError e = make(429, "rate_limit_error", "rate_limit_exceeded", error.message(), field);
      e.retry_after_s = std::max(1, retry_after_s);
      return e;
    }
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      break;
  }
  return make(500, kServerError, "", error.message(), field);
}

ApiError unauthorized_error() {
  return make(401, kInvalidRequest, "invalid_api_key",
              "missing or incorrect API key: send the header 'Authorization: Bearer <key>' "
              "with the key given to molt serve --api-key");
}

ApiError route_not_found_error(std::string_view method, std::string_view path) {
  return make(404, kInvalidRequest, "unknown_url",
              "no route " + printable(method) + " " + printable(path) +
                  " (the routes are listed in molt's README, section molt serve)");
}

ApiError method_not_allowed_error(std::string_view method, std::string_view path) {
  return make(405, kInvalidRequest, "method_not_allowed",
              "method " + printable(method) + " is not allowed on " + printable(path));
}

ApiError payload_too_large_error(std::size_t limit_bytes) {
  return make(413, kInvalidRequest, "payload_too_large",
              "request body larger than the server's limit of " + std::to_string(limit_bytes) +
                  " bytes (molt serve --max-body-mb); split the request");
}

ApiError shutting_down_error() {
  return make(503, kServerError, "shutting_down", "the server is shutting down");
}

ApiError internal_api_error(std::string_view what) {
  return make(500, kServerError, "", "internal error: " + std::string(what));
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 4);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, min = 0x10000;
    }
    bool valid = len > 0 && i + len <= text.size();
    std::uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      valid = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (valid && len > 1) valid = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    const std::string_view piece = valid ? text.substr(i, len) : std::string_view("\xEF\xBF\xBD");
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      break;
    }
    out += piece;
    i += valid ? len : 1;
  }
  return out;
}

std::string error_body(const ApiError& error) {
  std::string out = "{\"error\":{\"message\":";
  append_json_string(out, printable(error.message, 2000));
  out += ",\"type\":";
  append_string_or_null(out, error.type);
  out += ",\"param\":";
  append_string_or_null(out, printable(error.param));
  out += ",\"code\":";
  append_string_or_null(out, error.code);
  out += "}}";
  return out;
}

}  // namespace molt::server
