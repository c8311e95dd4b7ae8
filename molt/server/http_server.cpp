#include "molt/server/http_server.h"

#include <sys/socket.h>

#include <httplib.h>

#include <thread>

#include "molt/base/error.h"
#include "molt/server/api_error.h"
#include "molt/server/connection_queue.h"

namespace molt::server {

// cpp-httplib's server with a wider listen backlog: the packaged library listens with a
// backlog of 5, so a burst of connections would see SYNs dropped and stall for a second.
// listen() on a listening socket only updates its backlog.
class ListeningServer : public httplib::Server {
 public:
  void set_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUnrouted = "(unrouted)";

// Compares in time independent of where the strings differ, so the key cannot be guessed
// byte by byte from response times.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

void write_response(HttpResponse&& out, httplib::Response& res) {
  res.status = out.status;
  for (auto& [name, value] : out.headers) res.set_header(name, value);
  res.set_header("Content-Type", out.content_type);
  res.body = std::move(out.body);
}

std::string raw_path(const httplib::Request& req) {
  const std::string& target = req.target.empty() ? req.path : req.target;
  return target.substr(0, target.find('?'));
}

}  // namespace

HttpServer::HttpServer(HttpOptions options, std::vector<Route> routes, ServerMetrics& metrics,
                       std::function<int()> retry_after)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      metrics_(metrics),
      retry_after_(std::move(retry_after)),
      http_(std::make_unique<ListeningServer>()) {
  http_->new_task_queue = [this] {
    auto* queue = new ConnectionQueue(options_.http_threads, options_.max_pending_connections);
    connections_ = queue;
    return queue;
  };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_read_timeout(options_.read_timeout);
  http_->set_write_timeout(options_.write_timeout);
  http_->set_keep_alive_timeout(options_.keep_alive_timeout.count());
  http_->set_keep_alive_max_count(1000);
  http_->set_tcp_nodelay(true);
  // SO_REUSEADDR (restart while old connections linger in TIME_WAIT), but not the
  // SO_REUSEPORT cpp-httplib sets by default: a second server on a taken port must fail,
  // not silently share it.
  http_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  const auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  http_->Get(".*", handler);
  http_->Post(".*", handler);
  http_->Put(".*", handler);
  http_->Patch(".*", handler);
  http_->Delete(".*", handler);

  // Connections beyond the workers' reach: answer 429 before reading the body, and close.
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (connections_ == nullptr || !connections_->refusing_here()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    metrics_.connection_refused();
    HttpResponse out = error_response(api_error(
        Error(ErrorKind::kOverloaded, "server at capacity: every HTTP worker is busy; retry later"),
        retry_after_ ? retry_after_() : 1));
    out.headers["Connection"] = "close";
    metrics_.observe_request("(refused)", req.method, out.status, 0.0);
    write_response(std::move(out), res);
    return httplib::Server::HandlerResponse::Handled;
  });

  // Refusals cpp-httplib makes itself (a body over the limit, a malformed request line, a
  // method no route takes) get the same error shape. Bodies set by dispatch() are kept.
  http_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    ApiError error;
    if (res.status == 413) {
      error = payload_too_large_error(options_.max_body_bytes);
    } else if (res.status == 404) {
      error = route_not_found_error(req.method, raw_path(req));
    } else {
      error = api_error(input_error("malformed HTTP request (status " + std::to_string(res.status) + ")"));
      error.status = res.status;
    }
    metrics_.observe_request(kUnrouted, req.method, res.status, 0.0);
    HttpResponse out = error_response(error);
    write_response(std::move(out), res);
  });
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    // dispatch() catches everything; this only guards against a throwing write.
    res.status = 500;
    res.set_content(error_body(internal_api_error("unexpected exception")), "application/json");
  });
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    throw io_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                   " (address in use, not an address of this machine, or no permission)");
  }
  http_->set_backlog(options_.listen_backlog);
  return port_;
}

void HttpServer::serve() {
  {
    std::lock_guard lock(state_mutex_);
    if (stopping_) return;
    serving_ = true;
  }
  http_->listen_after_bind();
  served_ = true;
}

void HttpServer::stop() {
  {
    std::lock_guard lock(state_mutex_);
    if (stopping_.exchange(true) || !serving_) return;
  }
  // serve() has been entered; cpp-httplib ignores stop() until its accept loop runs.
  while (!http_->is_running() && !served_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http_->stop();
}

bool HttpServer::authorized(const std::string& authorization) const {
  if (options_.api_key.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size() || !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  std::string token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return same_secret(token, options_.api_key);
}

HttpResponse HttpServer::error_response(const ApiError& error) const {
  HttpResponse out = json_response(error_body(error), error.status);
  if (error.retry_after_s > 0) {
    out.headers["Retry-After"] = std::to_string(error.retry_after_s);
    out.headers["retry-after-ms"] = std::to_string(error.retry_after_s * 1000);
  }
  return out;
}

HttpResponse HttpServer::route_request(HttpRequest& request, const std::string& authorization, std::string* label) {
  const Route* route = nullptr;
  bool path_known = false;
  std::map<std::string, std::string> params;
  try {
    for (const Route& r : routes_) {
      if (!match_route(r.pattern, request.path, &params)) continue;
      path_known = true;
      if (r.method == request.method || (request.method == "HEAD" && r.method == "GET")) {
        route = &r;
        break;
      }
    }
  } catch (const Error& e) {  // a malformed %-escape in the path
    *label = kUnrouted;
    return error_response(api_error(e));
  }
  if (route == nullptr) {
    *label = kUnrouted;
    return error_response(path_known ? method_not_allowed_error(request.method, request.path)
                                     : route_not_found_error(request.method, request.path));
  }
  *label = route->label;
  if (!route->open && !authorized(authorization)) return error_response(unauthorized_error());
  request.params = std::move(params);
  try {
    return route->handler(request);
  } catch (const Error& e) {
    const int retry = e.kind() == ErrorKind::kOverloaded && retry_after_ ? retry_after_() : 1;
    return error_response(api_error(e, retry));
  } catch (const std::bad_alloc&) {
    return error_response(internal_api_error("out of memory"));
  } catch (const std::exception& e) {
    return error_response(internal_api_error(e.what()));
  }
}

HttpResponse HttpServer::handle(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& authorization) {
  HttpRequest request;
  request.method = method;
  request.path = path.substr(0, path.find('?'));
  request.body = body;
  std::string label;
  return route_request(request, authorization, &label);
}

void HttpServer::dispatch(const httplib::Request& req, httplib::Response& res) {
  const Clock::time_point start = Clock::now();
  metrics_.request_started();
  HttpRequest request;
  request.method = req.method;
  request.path = raw_path(req);
  request.body = req.body;
  for (const auto& [k, v] : req.params) request.query.emplace(k, v);
  std::string label;
  HttpResponse out = route_request(request, req.get_header_value("Authorization"), &label);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics_.observe_request(label, req.method, out.status, seconds);
  metrics_.request_finished();
  write_response(std::move(out), res);
}

}  // namespace molt::server
