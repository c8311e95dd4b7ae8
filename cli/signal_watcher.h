// SignalWatcher: SIGINT and SIGTERM for long-running commands (molt serve). While it lives,
// both signals are caught (whichever thread they hit: libraries such as OpenBLAS start
// threads of their own) and passed through a pipe to the watcher's thread: the first runs
// on_stop (a graceful drain); a second one, or the drain outlasting `grace`, ends the
// process with exit code 1.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <signal.h>

namespace molt::cli {

class SignalWatcher {
 public:
  SignalWatcher();   // installs the handlers; signals that arrive before start() wait in the pipe
  ~SignalWatcher();  // restores the previous handlers
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Starts watching. on_stop runs on the watcher's thread.
  void start(std::function<void()> on_stop, std::chrono::seconds grace);
  bool stop_requested() const { return stop_requested_.load(); }

 private:
  void run();

  int pipe_[2] = {-1, -1};
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  std::function<void()> on_stop_;
  std::chrono::seconds grace_{30};
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace molt::cli
