// FAISS index files written by FAISS itself (faiss::index_factory + faiss::write_index),
// for the import tests: the files Python users of FAISS would hand to molt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace molt::test {

// `factory` is a FAISS factory string ("Flat", "HNSW16", "IVF4,Flat", "IDMap2,Flat", ...);
// vectors f32 [n, dim]. The index is trained on the vectors when it needs training; ids,
// when given, are added with add_with_ids (IVF and IDMap), else rows are numbered.
std::string faiss_index_bytes(const std::string& factory, int dim, bool l2, const std::vector<float>& vectors,
                              const std::vector<std::int64_t>& ids = {});

}  // namespace molt::test
