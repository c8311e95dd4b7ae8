#include "molt/runtime/workspace_pool.h"

namespace molt::runtime {

WorkspacePool::Lease WorkspacePool::lease() {
  std::unique_ptr<tensor::Workspace> ws;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      ws = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!ws) ws = std::make_unique<tensor::Workspace>();
  return Lease(*this, std::move(ws));
}

void WorkspacePool::give_back(std::unique_ptr<tensor::Workspace> ws) {
  if (!ws) return;
  ws->reset();
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(ws));
}

}  // namespace molt::runtime
