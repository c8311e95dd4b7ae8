// HttpServer: molt's HTTP face on cpp-httplib. It owns the listening socket and the
// connection workers, dispatches requests to Routes, checks the API key, counts every
// answer in ServerMetrics, and is the one place where a molt::Error becomes an HTTP status
// and an OpenAI-shaped error body (api_error.h). stop() drains: the listener closes, requests
// in flight are answered, then serve() returns.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "molt/server/http_route.h"
#include "molt/server/server_metrics.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace molt::server {

class ConnectionQueue;
class ListeningServer;
struct ApiError;

struct HttpOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (bind() returns it)
  std::string api_key;             // non-empty: every route but the open ones needs "Bearer <key>"
  std::size_t max_body_bytes = 16u << 20;
  std::size_t http_threads = 128;       // connection workers: requests handled at once
  std::size_t max_pending_connections = 256;  // connections waiting for a worker
  int listen_backlog = 1024;                   // connections the kernel holds before accept()
  std::chrono::seconds read_timeout{30};       // a client that stalls while sending
  std::chrono::seconds write_timeout{30};      // a client that stops reading the answer
  std::chrono::seconds keep_alive_timeout{5};  // an idle kept-alive connection
};

class HttpServer {
 public:
  // `retry_after` estimates, for a 429, how many seconds until capacity frees up.
  HttpServer(HttpOptions options, std::vector<Route> routes, ServerMetrics& metrics,
             std::function<int()> retry_after = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port. Throws io_error when the address cannot
  // be bound (in use, not local, no permission).
  int bind();
  // Serves until stop(), then drains; returns when every connection is closed.
  void serve();
  // Begins the drain from any thread. Idempotent.
  void stop();
  bool stopping() const { return stopping_.load(); }

  // Runs one request through auth, routing and the error map without a socket (for tests).
  HttpResponse handle(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& authorization);

 private:
  void dispatch(const httplib::Request& req, httplib::Response& res);
  HttpResponse route_request(HttpRequest& request, const std::string& authorization, std::string* label);
  HttpResponse error_response(const ApiError& error) const;
  bool authorized(const std::string& authorization) const;

  HttpOptions options_;
  std::vector<Route> routes_;
  ServerMetrics& metrics_;
  std::function<int()> retry_after_;
  std::unique_ptr<ListeningServer> http_;
  ConnectionQueue* connections_ = nullptr;  // owned by http_ while it listens
  std::atomic<bool> stopping_{false};
  std::mutex state_mutex_;    // orders serve() and stop(): a stop never misses the listener
  bool serving_ = false;      // serve() entered (under state_mutex_)
  std::atomic<bool> served_{false};  // serve() returned
  int port_ = 0;
};

}  // namespace molt::server
