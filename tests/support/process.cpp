#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/test_env.h"

extern char** environ;

namespace molt::test {
namespace {

std::vector<std::string> build_env(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) merged[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Everything the child needs, made before fork: a child of a multi-threaded process may only
// call async-signal-safe functions, since another thread may have held the allocator's lock
// at the fork (a reader thread of the test did, and the child then hung for ever).
struct ExecPlan {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> c_args;
  std::vector<char*> c_env;
  std::string cwd;

  ExecPlan(const std::vector<std::string>& argv, const ProcessOptions& options)
      : args(argv), env(build_env(options.env)), cwd(options.cwd.string()) {
    c_args = c_strings(args);
    c_env = c_strings(env);
  }
};

// In the child after fork: set up and exec, never return. System calls only.
[[noreturn]] void exec_child(const ExecPlan& plan, int in_fd, int out_fd, int err_fd) {
  ::dup2(in_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) _exit(126);
  ::execvpe(plan.c_args[0], plan.c_args.data(), plan.c_env.data());
  static constexpr char kFailed[] = "exec failed: ";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, kFailed, sizeof kFailed - 1);
  ignored = ::write(STDERR_FILENO, plan.c_args[0], std::strlen(plan.c_args[0]));
  ignored = ::write(STDERR_FILENO, "\n", 1);
  _exit(127);
}

void fill_status(ProcessResult& r, int status) {
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.term_signal = WTERMSIG(status);
  }
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const ExecPlan plan(argv, options);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) exec_child(plan, in_pipe[0], out_pipe[1], err_pipe[1]);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  ProcessResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (options.stdin_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  } else {
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) { fds[n] = {out_pipe[0], POLLIN, 0}; out_i = n++; }
    if (err_open) { fds[n] = {err_pipe[0], POLLIN, 0}; err_i = n++; }
    if (in_fd >= 0) { fds[n] = {in_fd, POLLOUT, 0}; in_i = n++; }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (rc < 0 && errno != EINTR) break;
    if (rc <= 0) continue;
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t w = ::write(in_fd, options.stdin_data.data() + written,
                                options.stdin_data.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 && errno != EAGAIN) written = options.stdin_data.size();
      if (written >= options.stdin_data.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
    for (auto [idx, fd, target, open] :
         {std::tuple{out_i, out_pipe[0], &result.out, &out_open},
          std::tuple{err_i, err_pipe[0], &result.err, &err_open}}) {
      if (idx >= 0 && (fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t r = ::read(fd, buf, sizeof buf);
        if (r > 0) {
          target->append(buf, static_cast<std::size_t>(r));
        } else if (r == 0 || errno != EINTR) {
          *open = false;
        }
      }
    }
  }
  if (in_fd >= 0) ::close(in_fd);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  fill_status(result, status);
  return result;
}

ProcessOptions offline_options(const std::filesystem::path& hf_home, std::string stdin_data) {
  ProcessOptions o;
  o.env = {{"HF_HOME", hf_home.string()}, {"HF_HUB_CACHE", ""},  {"HUGGINGFACE_HUB_CACHE", ""},
           {"HF_HUB_OFFLINE", "1"},       {"MOLT_MODELS", ""},   {"HF_ENDPOINT", ""}};
  o.stdin_data = std::move(stdin_data);
  return o;
}

ProcessResult run_molt(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv{molt_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, options);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const ProcessOptions& options,
                                     const std::filesystem::path& log_dir) {
  static int counter = 0;
  const std::string stem = "proc-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  out_path_ = log_dir / (stem + ".out");
  err_path_ = log_dir / (stem + ".err");
  const int out_fd = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int in_pipe[2];
  if (out_fd < 0 || err_fd < 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("cannot set up a background process");
  }
  const ExecPlan plan(argv, options);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) exec_child(plan, in_pipe[0], out_fd, err_fd);
  ::close(in_pipe[0]);
  ::close(out_fd);
  ::close(err_fd);
  if (!options.stdin_data.empty()) {
    std::size_t written = 0;
    while (written < options.stdin_data.size()) {
      const ssize_t w = ::write(in_pipe[1], options.stdin_data.data() + written,
                                options.stdin_data.size() - written);
      if (w <= 0) break;
      written += static_cast<std::size_t>(w);
    }
  }
  ::close(in_pipe[1]);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool BackgroundProcess::running() {
  if (status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    return false;
  }
  return true;
}

void BackgroundProcess::signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

ProcessResult BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = status;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  fill_status(r, *status_);
  r.out = stdout_text();
  r.err = stderr_text();
  return r;
}

std::string BackgroundProcess::stdout_text() const { return slurp(out_path_); }
std::string BackgroundProcess::stderr_text() const { return slurp(err_path_); }

}  // namespace molt::test
