// RunningServer: a molt::server::Server on an ephemeral loopback port, serving from a
// background thread, with a FakeEmbeddingBackend as its one model ("fake") and optionally
// a store; plus a cpp-httplib client to it. For tests of the HTTP face without model files.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "molt/server/server.h"
#include "molt/store/store.h"
#include "tests/support/fake_embedding_backend.h"

namespace molt::test {

class RunningServer {
 public:
  RunningServer(server::ServerOptions options, FakeBackendConfig config,
                std::unique_ptr<store::Store> store = nullptr);
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  // Drains and joins the serving thread; idempotent.
  void stop();

  httplib::Client client() const;
  httplib::Result post(const std::string& path, const std::string& body, const std::string& key = "") const;
  httplib::Result get(const std::string& path, const std::string& key = "") const;
  httplib::Result put(const std::string& path, const std::string& body, const std::string& key = "") const;
  httplib::Result del(const std::string& path, const std::string& key = "") const;

  FakeEmbeddingBackend& backend() { return *backend_; }
  server::Server& server() { return *server_; }
  int port() const { return port_; }

 private:
  std::unique_ptr<server::Server> server_;
  FakeEmbeddingBackend* backend_ = nullptr;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace molt::test
