#include "molt/server/connection_queue.h"

namespace molt::server {

ConnectionQueue::ConnectionQueue(std::size_t n_workers, std::size_t max_pending) : max_pending_(max_pending) {
  workers_.reserve(n_workers);
  for (std::size_t i = 0; i < n_workers; ++i) workers_.emplace_back([this] { work(pending_); });
  refuser_ = std::thread([this] { work(refused_); });
}

ConnectionQueue::~ConnectionQueue() { shutdown(); }

void ConnectionQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    // A connection waits for a worker only while the wait is bounded.
    if (idle_ > pending_.size() || pending_.size() < max_pending_) {
      pending_.push_back(std::move(fn));
    } else {
      refused_.push_back(std::move(fn));
    }
  }
  wake_.notify_all();
}

void ConnectionQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  if (refuser_.joinable()) refuser_.join();
}

bool ConnectionQueue::refusing_here() const { return std::this_thread::get_id() == refuser_.get_id(); }

void ConnectionQueue::work(std::deque<std::function<void()>>& queue) {
  const bool is_worker = &queue == &pending_;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      if (is_worker) ++idle_;
      wake_.wait(lock, [&] { return stopping_ || !queue.empty(); });
      if (is_worker) --idle_;
      if (queue.empty()) return;  // stopping and drained
      fn = std::move(queue.front());
      queue.pop_front();
    }
    fn();
  }
}

}  // namespace molt::server
