// WorkspacePool: reusable Workspaces for concurrent encode calls. Each call leases one for
// its duration, so steady-state encoding allocates nothing and concurrent calls never share
// scratch memory. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "molt/tensor/workspace.h"

namespace molt::runtime {

class WorkspacePool {
 public:
  class Lease {
   public:
    Lease(WorkspacePool& pool, std::unique_ptr<tensor::Workspace> ws) : pool_(&pool), ws_(std::move(ws)) {}
    ~Lease() { pool_->give_back(std::move(ws_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    tensor::Workspace& operator*() const { return *ws_; }
    tensor::Workspace* operator->() const { return ws_.get(); }

   private:
    WorkspacePool* pool_;
    std::unique_ptr<tensor::Workspace> ws_;
  };

  Lease lease();

 private:
  void give_back(std::unique_ptr<tensor::Workspace> ws);

  std::mutex mutex_;
  std::vector<std::unique_ptr<tensor::Workspace>> free_;
};

}  // namespace molt::runtime
