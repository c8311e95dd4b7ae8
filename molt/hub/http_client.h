// HTTP(S) requests through libcurl: small bodies kept in memory, or downloads streamed to a
// callback. Only http and https; redirects followed only when asked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace molt::hub {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  bool head = false;                 // HEAD instead of GET
  bool follow_redirects = false;
  std::uint64_t range_start = 0;     // > 0: ask for bytes range_start.. ("Range: bytes=N-")
};

struct HttpResponse {
  long status = 0;        // the final response's status; 0 when none arrived
  std::string url;        // the URL that answered, after redirects
  std::vector<std::pair<std::string, std::string>> headers;  // final response; names lower-case
  std::string body;       // fetch(): the body; stream(): the body of a non-2xx answer
  std::string transport_error;  // why the transfer failed (connection, timeout, cut short)

  bool transferred() const { return transport_error.empty(); }
  // The first value of a header (case-insensitive name).
  std::optional<std::string> header(std::string_view name) const;
};

// One HttpClient per thread: it keeps its connection open between requests.
class HttpClient {
 public:
  HttpClient(std::string user_agent, std::chrono::seconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The whole body in memory; a body longer than `max_body` is a transport error.
  HttpResponse fetch(const HttpRequest& request, std::size_t max_body = std::size_t{64} << 20);

  // A 2xx answer's body goes to `sink` as it arrives; `on_status` is called once before
  // the first chunk (and for an empty 2xx body) with the status, so the caller can tell
  // 200 from 206. Exceptions from the callbacks abort the transfer and propagate.
  HttpResponse stream(const HttpRequest& request, const std::function<void(long status)>& on_status,
                      const std::function<void(std::string_view chunk)>& sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace molt::hub
