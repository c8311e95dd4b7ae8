// Real child processes for end-to-end tests: run the molt binary (or node, python, psql)
// with arguments and stdin, capture stdout/stderr and the exit status; or start one in the
// background, signal it (SIGKILL for crash tests) and wait.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace molt::test {

struct ProcessResult {
  int exit_code = -1;   // the exit status, or -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, 0 when it exited
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct ProcessOptions {
  std::string stdin_data;
  std::map<std::string, std::string> env;  // added to (or replacing in) the parent's environment
  std::filesystem::path cwd;               // empty: the parent's
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

// Runs argv[0] (searched in PATH when it has no slash) to completion.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Convenience: runs build/molt with `args`.
ProcessResult run_molt(const std::vector<std::string>& args, const ProcessOptions& options = {});

// Options for a molt that sees none of the user's models or Hub settings: HF_HOME at
// `hf_home`, offline, no MOLT_MODELS, HF_HUB_CACHE or HF_ENDPOINT; `stdin_data` as input.
ProcessOptions offline_options(const std::filesystem::path& hf_home, std::string stdin_data = {});

// A process running in the background. Its stdout and stderr go to files (so a busy child
// never blocks on a full pipe); the destructor kills it with SIGKILL if still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                    const std::filesystem::path& log_dir);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit (up to `timeout`); returns the result with the captured output.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::minutes(5));
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
};

}  // namespace molt::test
