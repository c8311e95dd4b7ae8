#include "molt/hub/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <mutex>

#include "molt/base/check.h"

namespace molt::hub {
namespace {

constexpr std::size_t kMaxErrorBody = std::size_t{64} << 10;

// libcurl's process-wide set-up must run once before the first handle, and is not safe to
// run concurrently with other libcurl calls; std::call_once serialises it.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { MOLT_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// State one transfer shares with libcurl's C callbacks.
struct Transfer {
  CURL* curl = nullptr;
  HttpResponse* response = nullptr;
  std::size_t max_body = 0;
  const std::function<void(long)>* on_status = nullptr;       // set when streaming
  const std::function<void(std::string_view)>* sink = nullptr;
  bool status_sent = false;
  bool too_big = false;
  std::exception_ptr error;  // thrown by a callback; rethrown after the transfer
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  // Every response of a redirect chain starts with its status line: keep the last one's.
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.emplace_back(lower(trim(line.substr(0, colon))),
                                      std::string(trim(line.substr(colon + 1))));
  }
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  try {
    if (t->sink != nullptr) {
      long status = 0;
      curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300) {
        if (!t->status_sent) {
          t->status_sent = true;
          (*t->on_status)(status);
        }
        (*t->sink)(std::string_view(data, len));
        return len;
      }
      std::string& body = t->response->body;
      if (body.size() < kMaxErrorBody) body.append(data, std::min(len, kMaxErrorBody - body.size()));
      return len;
    }
    if (t->response->body.size() + len > t->max_body) {
      t->too_big = true;
      return 0;
    }
    t->response->body.append(data, len);
    return len;
  } catch (...) {
    t->error = std::current_exception();
    return 0;  // any count but len aborts the transfer
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const std::string key = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  CURL* curl = nullptr;
  std::string user_agent;
  std::chrono::seconds timeout;

  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  HttpResponse run(const HttpRequest& request, Transfer& t) {
    HttpResponse response;
    t.curl = curl;
    t.response = &response;
    curl_easy_reset(curl);

    struct curl_slist* headers = nullptr;
    for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
    char error_text[CURL_ERROR_SIZE] = {0};
    const std::string range = std::to_string(request.range_start) + "-";

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout.count()));
    // A transfer that stalls (under 1 byte/s) for `timeout` fails; a slow one does not.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    if (request.head) curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (request.range_start > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);

    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (t.error) std::rethrow_exception(t.error);

    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* effective = nullptr;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
    response.url = effective != nullptr ? effective : request.url;
    if (t.too_big) {
      response.transport_error = "response larger than " + std::to_string(t.max_body) + " bytes";
    } else if (rc != CURLE_OK) {
      response.transport_error = error_text[0] != '\0' ? error_text : curl_easy_strerror(rc);
    } else if (t.sink != nullptr && !t.status_sent && response.status >= 200 && response.status < 300) {
      (*t.on_status)(response.status);  // an empty body
    }
    return response;
  }
};

HttpClient::HttpClient(std::string user_agent, std::chrono::seconds timeout)
    : impl_(std::make_unique<Impl>()) {
  init_curl_once();
  impl_->curl = curl_easy_init();
  MOLT_CHECK(impl_->curl != nullptr);
  impl_->user_agent = std::move(user_agent);
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::fetch(const HttpRequest& request, std::size_t max_body) {
  Transfer t;
  t.max_body = max_body;
  return impl_->run(request, t);
}

HttpResponse HttpClient::stream(const HttpRequest& request,
                                const std::function<void(long status)>& on_status,
                                const std::function<void(std::string_view chunk)>& sink) {
  Transfer t;
  t.on_status = &on_status;
  t.sink = &sink;
  return impl_->run(request, t);
}

}  // namespace molt::hub
