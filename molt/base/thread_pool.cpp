#include "molt/base/thread_pool.h"

#include <algorithm>

namespace molt {
namespace {

// The worker index of the current thread while it runs tasks for some pool; -1 elsewhere.
// Lets a nested parallel_for detect that it is already inside a task and run inline.
thread_local int t_in_pool_task = -1;

}  // namespace

int ThreadPool::hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int n_threads) {
  const int n = n_threads <= 0 ? hardware_threads() : n_threads;
  workers_.reserve(static_cast<std::size_t>(n - 1));
  for (int w = 1; w < n; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_tasks(int worker) {
  const int saved = t_in_pool_task;
  t_in_pool_task = worker;
  for (;;) {
    const std::size_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (task >= n_tasks_) break;
    (*fn_)(task, worker);
  }
  t_in_pool_task = saved;
}

void ThreadPool::worker_loop(int worker) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    run_tasks(worker);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(std::size_t n_tasks, const TaskFn& fn) {
  if (n_tasks == 0) return;
  if (workers_.empty() || n_tasks == 1 || t_in_pool_task >= 0) {
    const int worker = t_in_pool_task >= 0 ? t_in_pool_task : 0;
    for (std::size_t t = 0; t < n_tasks; ++t) fn(t, worker);
    return;
  }
  std::lock_guard<std::mutex> submit(submit_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    n_tasks_ = n_tasks;
    next_task_.store(0, std::memory_order_relaxed);
    active_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  run_tasks(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return active_ == 0; });
  fn_ = nullptr;
}

void ThreadPool::parallel_range(std::size_t n, std::size_t grain,
                                const std::function<void(std::size_t, std::size_t, int)>& fn) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t max_chunks = static_cast<std::size_t>(size()) * 4;
  const std::size_t n_chunks = std::clamp<std::size_t>(n / grain, 1, max_chunks);
  const std::size_t step = (n + n_chunks - 1) / n_chunks;
  parallel_for(n_chunks, [&](std::size_t c, int worker) {
    const std::size_t begin = c * step;
    const std::size_t end = std::min(n, begin + step);
    if (begin < end) fn(begin, end, worker);
  });
}

}  // namespace molt
