// ThreadPool: molt's one pool of compute threads. The calling thread takes part in every
// parallel_for, so a pool of size 1 runs everything inline with no worker threads.
// The BLAS library and FAISS get their thread counts from the pool's owner so nothing
// oversubscribes the cores.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace molt {

class ThreadPool {
 public:
  // fn(task, worker): task in [0, n_tasks), worker in [0, size()).
  using TaskFn = std::function<void(std::size_t task, int worker)>;

  // n_threads <= 0 means one per hardware thread.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs every task once and returns when all are done. Tasks are handed out
  // dynamically: a worker that wakes late finds them taken and is not waited for, so a
  // call never takes longer than the calling thread doing all of it alone. One call at a
  // time per pool: concurrent callers are serialized, and a call from inside a task runs
  // its tasks inline on the calling thread.
  void parallel_for(std::size_t n_tasks, const TaskFn& fn);

  // Splits [0, n) into contiguous chunks of at least `grain` items, at most a few per thread;
  // fn(begin, end, worker).
  void parallel_range(std::size_t n, std::size_t grain,
                      const std::function<void(std::size_t, std::size_t, int)>& fn);

  static int hardware_threads();

 private:
  // One parallel_for call, on the caller's stack while it runs.
  struct Job {
    const TaskFn* fn = nullptr;
    std::size_t n_tasks = 0;
    std::atomic<std::size_t> next_task{0};
    std::atomic<int> users{0};  // workers inside run_tasks for this job
  };

  void worker_loop(int worker);
  static void run_tasks(Job& job, int worker);

  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one parallel_for at a time

  std::mutex mutex_;  // guards job_ and workers' entry into it
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<std::uint64_t> generation_{0};  // bumped per job; workers spin on it briefly
  bool stopping_ = false;
  Job* job_ = nullptr;
};

}  // namespace molt
