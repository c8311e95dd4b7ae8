// What every FAISS adapter needs: the calling thread's OpenMP team size set for the
// duration of a FAISS call (FAISS parallelizes with OpenMP; molt decides how many threads),
// FAISS exceptions turned into molt::Error, and FAISS indexes to and from bytes.
// Only .cpp files include this (FAISS stays a private dependency of the library).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <faiss/Index.h>
#include <faiss/MetricType.h>

#include "molt/index/vector_index.h"

namespace molt::index {

// Sets omp_set_num_threads(n) for the calling thread and restores the previous value.
class ScopedOmpThreads {
 public:
  explicit ScopedOmpThreads(int n);
  ~ScopedOmpThreads();
  ScopedOmpThreads(const ScopedOmpThreads&) = delete;
  ScopedOmpThreads& operator=(const ScopedOmpThreads&) = delete;

 private:
  int previous_;
};

// FAISS's name for a metric (cosine is inner product over unit vectors).
faiss::MetricType faiss_metric(Metric metric);

// Runs fn, turning a faiss::FaissException into internal_error("<what>: <faiss message>").
void call_faiss(const char* what, const std::function<void()>& fn);

// faiss::write_index into bytes, and faiss::read_index from bytes (which must have been
// written by write_faiss_bytes or validated first; FAISS's reader trusts its input).
std::string write_faiss_bytes(const faiss::Index& index);
std::unique_ptr<faiss::Index> read_faiss_bytes(std::string_view bytes, const std::string& source);

}  // namespace molt::index
