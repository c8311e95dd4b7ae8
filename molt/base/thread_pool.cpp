#include "molt/base/thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace molt {
namespace {

// The worker index of the current thread while it runs tasks for some pool; -1 elsewhere.
// Lets a nested parallel_for detect that it is already inside a task and run inline.
thread_local int t_in_pool_task = -1;

// How long a thread polls before it sleeps on a condition variable. An encoder pass issues
// a parallel_for per layer op, a few microseconds apart for a short query, and a futex
// sleep and wake-up per op costs tens of microseconds. Longer polls were measured to cost
// more than they save on a machine whose cores are busy with other processes (the poller
// takes the time slice the thread it waits for needs); 20 µs cut an 8-token query's
// context switches threefold with no more CPU time than sleeping at once.
constexpr auto kSpin = std::chrono::microseconds(20);

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Polls done() until it holds or kSpin has passed; whether it holds.
template <class Done>
bool spin_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

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
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_tasks(Job& job, int worker) {
  const int saved = t_in_pool_task;
  t_in_pool_task = worker;
  for (;;) {
    const std::size_t task = job.next_task.fetch_add(1, std::memory_order_relaxed);
    if (task >= job.n_tasks) break;
    (*job.fn)(task, worker);
  }
  t_in_pool_task = saved;
}

void ThreadPool::worker_loop(int worker) {
  std::uint64_t seen = 0;
  for (;;) {
    spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
    Job* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      if (stopping_) return;
      seen = generation_.load(std::memory_order_relaxed);
      // Null when the job was already finished by others before this worker woke.
      job = job_;
      if (job != nullptr) job->users.fetch_add(1, std::memory_order_relaxed);
    }
    if (job == nullptr) continue;
    run_tasks(*job, worker);
    // After this decrement the caller may return and the job is gone: touch only the pool.
    if (job->users.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
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
  Job job;
  job.fn = &fn;
  job.n_tasks = n_tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &job;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_tasks(job, 0);
  // Every task is taken; the ones still running belong to workers counted in `users`.
  // Workers that have not entered yet never will: job_ is cleared under the mutex they
  // enter by.
  spin_until([&] { return job.users.load(std::memory_order_acquire) == 0; });
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return job.users.load(std::memory_order_acquire) == 0; });
  job_ = nullptr;
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
