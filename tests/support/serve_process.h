// ServeProcess: `build/molt serve` running in the background for end-to-end tests. It
// starts the server on a free loopback port (--port 0), waits for the JSON line it prints
// once listening, and offers an HTTP client to it; the destructor kills what is left.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>

#include "tests/support/process.h"

namespace molt::test {

class ServeProcess {
 public:
  // `args` follow "molt serve --port 0". Throws std::runtime_error (with the server's
  // stderr) when it exits or does not listen within `startup`.
  ServeProcess(const std::vector<std::string>& args, const std::filesystem::path& log_dir,
               std::map<std::string, std::string> env = {},
               std::chrono::milliseconds startup = std::chrono::seconds(120));

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client client(const std::string& api_key = "") const;
  BackgroundProcess& process() { return *process_; }

  // SIGTERM, then waits for the exit.
  ProcessResult terminate(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

}  // namespace molt::test
