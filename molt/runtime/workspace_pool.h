// WorkspacePool: reusable scratch for concurrent encode calls. Each call leases one set — a
// Workspace for the pass's activations and one arena per pool worker for the kernels'
// temporaries (compute::Context::scratch) — for its duration, so steady-state encoding
// allocates nothing and concurrent calls never share scratch memory. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "molt/tensor/workspace.h"

namespace molt::runtime {

class WorkspacePool {
 public:
  struct Set {
    tensor::Workspace main;
    std::vector<tensor::Workspace> workers;
  };

  class Lease {
   public:
    Lease(WorkspacePool& pool, std::unique_ptr<Set> set) : pool_(&pool), set_(std::move(set)) {}
    ~Lease() { pool_->give_back(std::move(set_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    tensor::Workspace& operator*() const { return set_->main; }
    tensor::Workspace* operator->() const { return &set_->main; }
    // n_workers arenas, one per pool worker.
    std::span<tensor::Workspace> workers(std::size_t n_workers) const {
      if (set_->workers.size() < n_workers) set_->workers.resize(n_workers);
      return set_->workers;
    }

   private:
    WorkspacePool* pool_;
    std::unique_ptr<Set> set_;
  };

  Lease lease();

 private:
  void give_back(std::unique_ptr<Set> set);

  std::mutex mutex_;
  std::vector<std::unique_ptr<Set>> free_;
};

}  // namespace molt::runtime
