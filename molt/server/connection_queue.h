// ConnectionQueue: the workers that serve HTTP connections, bounded. cpp-httplib hands each
// accepted connection to a TaskQueue; this one runs them on a fixed set of workers, lets at
// most max_pending wait for a worker, and passes any further connection to a refuser thread
// whose requests the server answers 429 at once (without reading their bodies), so a flood
// of connections costs a socket each, never a thread or a buffer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace molt::server {

class ConnectionQueue final : public httplib::TaskQueue {
 public:
  ConnectionQueue(std::size_t n_workers, std::size_t max_pending);
  ~ConnectionQueue() override;

  void enqueue(std::function<void()> fn) override;
  // Runs every connection already queued, then joins the threads (cpp-httplib calls it when
  // the listener closes).
  void shutdown() override;

  // True on the refuser thread: the request being handled is to be answered 429.
  bool refusing_here() const;
  std::size_t n_workers() const { return workers_.size(); }

 private:
  void work(std::deque<std::function<void()>>& queue);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> pending_;
  std::deque<std::function<void()>> refused_;
  std::size_t max_pending_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread refuser_;
};

}  // namespace molt::server
