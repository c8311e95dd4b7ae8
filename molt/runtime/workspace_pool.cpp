#include "molt/runtime/workspace_pool.h"

namespace molt::runtime {

WorkspacePool::Lease WorkspacePool::lease() {
  std::unique_ptr<Set> set;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      set = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!set) set = std::make_unique<Set>();
  return Lease(*this, std::move(set));
}

void WorkspacePool::give_back(std::unique_ptr<Set> set) {
  if (!set) return;
  set->main.reset();
  for (tensor::Workspace& w : set->workers) w.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(set));
}

}  // namespace molt::runtime
