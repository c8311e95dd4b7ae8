// Route, HttpRequest, HttpResponse: what a handler sees of HTTP, independent of the HTTP
// library. A handler translates the wire request into one library call and the result
// back; it throws molt::Error for anything a client can cause (HttpServer maps it).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace molt::server {

struct HttpRequest {
  std::string method;
  std::string path;                               // as sent, without the query
  std::string_view body;                          // valid while the handler runs
  std::map<std::string, std::string> params;       // "{name}" segments of the route, decoded
  std::multimap<std::string, std::string> query;   // decoded query parameters

  const std::string& param(const std::string& name) const;  // a "{name}" the route declares
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> query_value(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

struct Route {
  std::string method;   // "GET", "POST", "PUT", "DELETE"
  // "/v1/collections/{name}/search": literal segments, and {param} segments that match one
  // non-empty segment (percent-decoded, so an id may hold "/" sent as %2F); a last segment
  // {param*} takes the rest of the path ("/v1/models/{id*}" for ids like "BAAI/bge-m3").
  std::string pattern;
  std::string label;    // the route as metrics name it: "/v1/collections/{name}"
  bool open = false;    // answered without the API key (health checks)
  std::function<HttpResponse(const HttpRequest&)> handler;
};

// A response with a JSON body.
HttpResponse json_response(std::string body, int status = 200);

// Matches `path` (raw, percent-encoded) against `pattern`; fills `params` on success.
bool match_route(std::string_view pattern, std::string_view path, std::map<std::string, std::string>* params);

// Percent-decoding of one path segment ("%2F" -> "/"; "+" stays "+"). Throws input_error
// on a malformed escape.
std::string percent_decode(std::string_view segment);

}  // namespace molt::server
