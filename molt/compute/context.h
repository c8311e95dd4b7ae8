// Context: where and how compute ops run — the kernel table (reference or CPU) and the
// thread pool that splits their work. Cheap to copy; owns nothing.
#pragma once

#include "molt/base/thread_pool.h"
#include "molt/compute/kernels.h"

namespace molt::compute {

struct Context {
  const Kernels* kernels = &default_kernels();  // never null
  ThreadPool* pool = nullptr;                   // null: everything on the calling thread

  int n_workers() const { return pool == nullptr ? 1 : pool->size(); }
};

}  // namespace molt::compute
