#include "molt/server/http_route.h"

#include "molt/base/check.h"
#include "molt/base/error.h"

namespace molt::server {
namespace {

// Splits at '/', skipping the leading one: "/a/b" -> {"a", "b"}; "/" -> {""}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const std::string& HttpRequest::param(const std::string& name) const {
  const auto it = params.find(name);
  MOLT_CHECK(it != params.end());  // the route's pattern declares every param its handler reads
  return it->second;
}

std::optional<std::string> HttpRequest::query_value(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

HttpResponse json_response(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string percent_decode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    const int hi = i + 2 < segment.size() ? hex_value(segment[i + 1]) : -1;
    const int lo = i + 2 < segment.size() ? hex_value(segment[i + 2]) : -1;
    if (hi < 0 || lo < 0) throw input_error("malformed percent-escape in the URL path");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool match_route(std::string_view pattern, std::string_view path, std::map<std::string, std::string>* params) {
  const std::vector<std::string_view> want = segments(pattern);
  const std::vector<std::string_view> got = segments(path);
  const bool rest = !want.empty() && want.back().size() >= 3 && want.back().ends_with("*}");
  if (rest ? got.size() < want.size() : want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string_view w = want[i];
    if (rest && i + 1 == want.size()) {
      std::string value;
      for (std::size_t k = i; k < got.size(); ++k) {
        if (got[k].empty()) return false;
        value += (k == i ? "" : "/") + percent_decode(got[k]);
      }
      found.emplace(std::string(w.substr(1, w.size() - 3)), std::move(value));
    } else if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      if (got[i].empty()) return false;
      found.emplace(std::string(w.substr(1, w.size() - 2)), percent_decode(got[i]));
    } else if (w != got[i]) {
      return false;
    }
  }
  if (params != nullptr) *params = std::move(found);
  return true;
}

}  // namespace molt::server
