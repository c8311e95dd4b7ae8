#include "tests/support/faiss_files.h"

#include <memory>

#include <faiss/Index.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

namespace molt::test {

std::string faiss_index_bytes(const std::string& factory, int dim, bool l2, const std::vector<float>& vectors,
                              const std::vector<std::int64_t>& ids) {
  std::unique_ptr<faiss::Index> index(
      faiss::index_factory(dim, factory.c_str(), l2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT));
  const auto n = static_cast<faiss::Index::idx_t>(vectors.size() / static_cast<std::size_t>(dim));
  if (!index->is_trained) index->train(n, vectors.data());
  if (ids.empty()) {
    index->add(n, vectors.data());
  } else {
    index->add_with_ids(n, vectors.data(), ids.data());
  }
  faiss::VectorIOWriter writer;
  faiss::write_index(index.get(), &writer);
  return std::string(reinterpret_cast<const char*>(writer.data.data()), writer.data.size());
}

}  // namespace molt::test
