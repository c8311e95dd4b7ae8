#include "tests/support/running_server.h"

namespace molt::test {
namespace {

httplib::Headers auth_headers(const std::string& key) {
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  return headers;
}

}  // namespace

RunningServer::RunningServer(server::ServerOptions options, FakeBackendConfig config,
                             std::unique_ptr<store::Store> store) {
  options.http.port = 0;
  options.version = "test";
  server_ = std::make_unique<server::Server>(options);
  auto backend = std::make_unique<FakeEmbeddingBackend>(std::move(config));
  backend_ = backend.get();
  server_->add_model("fake", std::move(backend));
  if (store) server_->set_store(std::move(store));
  port_ = server_->start();
  thread_ = std::thread([this] { server_->serve(); });
}

RunningServer::~RunningServer() { stop(); }

void RunningServer::stop() {
  server_->shutdown();
  if (thread_.joinable()) thread_.join();
}

httplib::Client RunningServer::client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  return c;
}

httplib::Result RunningServer::post(const std::string& path, const std::string& body, const std::string& key) const {
  return client().Post(path, auth_headers(key), body, "application/json");
}

httplib::Result RunningServer::get(const std::string& path, const std::string& key) const {
  return client().Get(path, auth_headers(key));
}

httplib::Result RunningServer::put(const std::string& path, const std::string& body, const std::string& key) const {
  return client().Put(path, auth_headers(key), body, "application/json");
}

httplib::Result RunningServer::del(const std::string& path, const std::string& key) const {
  return client().Delete(path, auth_headers(key));
}

}  // namespace molt::test
