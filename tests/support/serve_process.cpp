#include "tests/support/serve_process.h"

#include <csignal>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_env.h"

namespace molt::test {

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::filesystem::path& log_dir,
                           std::map<std::string, std::string> env, std::chrono::milliseconds startup) {
  std::vector<std::string> argv = {molt_binary().string(), "serve", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.env = std::move(env);
  process_ = std::make_unique<BackgroundProcess>(argv, options, log_dir);
  const auto deadline = std::chrono::steady_clock::now() + startup;
  for (;;) {
    const std::string out = process_->stdout_text();
    const auto newline = out.find('\n');
    if (newline != std::string::npos) {
      const auto ready = nlohmann::json::parse(out.substr(0, newline), nullptr, false);
      if (ready.is_discarded() || !ready.contains("port")) {
        throw std::runtime_error("molt serve printed an unexpected first line: " + out.substr(0, newline));
      }
      port_ = ready["port"].get<int>();
      return;
    }
    if (!process_->running()) {
      throw std::runtime_error("molt serve exited before listening: " + process_->stderr_text());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("molt serve did not listen in time: " + process_->stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

httplib::Client ServeProcess::client(const std::string& api_key) const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(120, 0);
  c.set_tcp_nodelay(true);
  if (!api_key.empty()) c.set_bearer_token_auth(api_key.c_str());
  return c;
}

ProcessResult ServeProcess::terminate(std::chrono::milliseconds timeout) {
  process_->signal(SIGTERM);
  return process_->wait(timeout);
}

}  // namespace molt::test
