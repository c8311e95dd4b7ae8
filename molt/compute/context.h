// Context: where and how compute ops run — the kernel table (reference, CPU, AVX-512), the
// thread pool that splits their work, the precision of the matrix products, and scratch
// arenas for the workers. Cheap to copy; owns nothing.
#pragma once

#include <span>

#include "molt/base/thread_pool.h"
#include "molt/compute/kernels.h"
#include "molt/compute/precision.h"
#include "molt/tensor/workspace.h"

namespace molt::compute {

struct Context {
  const Kernels* kernels = &default_kernels();  // never null
  ThreadPool* pool = nullptr;                   // null: everything on the calling thread
  // The number format of linear layers' products (and, through attention_precision, of
  // attention's). Weights are packed for it on first use (Weight::packed).
  Precision precision = Precision::kF32;
  // One arena per pool worker (index = the worker number parallel_for passes), for the
  // temporaries of the kernels a worker runs: converted activations, attention scores.
  // Used stack-wise, so an op nested in another's task on the same worker is safe. Owned by
  // the caller, one set per concurrent pass. Fewer than n_workers(): the ops make their own
  // for the call (tests; steady-state callers should pass them, to allocate nothing).
  std::span<tensor::Workspace> scratch;

  int n_workers() const { return pool == nullptr ? 1 : pool->size(); }
};

}  // namespace molt::compute
