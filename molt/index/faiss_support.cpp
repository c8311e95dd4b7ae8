#include "molt/index/faiss_support.h"

#include <omp.h>

#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include "molt/base/error.h"

namespace molt::index {

ScopedOmpThreads::ScopedOmpThreads(int n) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(n < 1 ? 1 : n);
}

ScopedOmpThreads::~ScopedOmpThreads() { omp_set_num_threads(previous_); }

faiss::MetricType faiss_metric(Metric metric) {
  return metric == Metric::kL2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
}

void call_faiss(const char* what, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const faiss::FaissException& e) {
    throw internal_error(std::string(what) + ": " + e.what());
  }
}

std::string write_faiss_bytes(const faiss::Index& index) {
  faiss::VectorIOWriter writer;
  call_faiss("writing a FAISS index", [&] { faiss::write_index(&index, &writer); });
  return std::string(reinterpret_cast<const char*>(writer.data.data()), writer.data.size());
}

std::unique_ptr<faiss::Index> read_faiss_bytes(std::string_view bytes, const std::string& source) {
  faiss::VectorIOReader reader;
  reader.data.assign(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                     reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
  std::unique_ptr<faiss::Index> index;
  try {
    index.reset(faiss::read_index(&reader));
  } catch (const faiss::FaissException& e) {
    throw input_error(std::string("FAISS cannot read the index: ") + e.what(), {.file = source});
  }
  if (!index) throw input_error("the FAISS file holds no index", {.file = source});
  return index;
}

}  // namespace molt::index
