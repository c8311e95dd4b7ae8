#include "cli/signal_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "molt/base/error.h"

namespace molt::cli {
namespace {

// The one piece of process-wide state a signal handler allows: where to write. Set while a
// SignalWatcher lives.
std::atomic<int> g_signal_fd{-1};

constexpr char kQuit = 'q';  // written by the destructor to end the watcher thread

extern "C" void on_signal(int sig) {
  const int saved = errno;
  const int fd = g_signal_fd.load();
  if (fd >= 0) {
    const char c = static_cast<char>(sig);
    [[maybe_unused]] const ssize_t n = ::write(fd, &c, 1);
  }
  errno = saved;
}

// The next byte from `fd`, or 0 when `timeout_ms` (-1: forever) passes first.
char next_byte(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return kQuit;
  }
}

}  // namespace

SignalWatcher::SignalWatcher() {
  if (::pipe2(pipe_, O_CLOEXEC) != 0) throw io_error("cannot create a pipe for signal handling");
  g_signal_fd = pipe_[1];
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

SignalWatcher::~SignalWatcher() {
  if (thread_.joinable()) {
    const char c = kQuit;
    [[maybe_unused]] const ssize_t n = ::write(pipe_[1], &c, 1);
    thread_.join();
  }
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  g_signal_fd = -1;
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void SignalWatcher::start(std::function<void()> on_stop, std::chrono::seconds grace) {
  on_stop_ = std::move(on_stop);
  grace_ = grace;
  thread_ = std::thread([this] { run(); });
}

void SignalWatcher::run() {
  if (next_byte(pipe_[0], -1) == kQuit) return;
  stop_requested_ = true;
  if (on_stop_) on_stop_();
  // Draining: a second signal, or the grace period running out, ends the process.
  const char c = next_byte(pipe_[0], static_cast<int>(grace_.count() * 1000));
  if (c == kQuit) return;
  if (c != 0) {
    std::fprintf(stderr, "molt: error: stopped by a second signal before the requests in flight finished\n");
  } else {
    std::fprintf(stderr, "molt: error: requests still in flight after %lld s (--drain-timeout); exiting\n",
                 static_cast<long long>(grace_.count()));
  }
  std::_Exit(1);
}

}  // namespace molt::cli
