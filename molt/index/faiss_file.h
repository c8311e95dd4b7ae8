// FAISS index files (faiss::write_index's format), for importing vectors that other tools
// stored with FAISS and exporting them back. Reading takes the kinds that hold full
// vectors: IndexFlatIP / IndexFlatL2 / IndexFlat, IndexHNSWFlat, IndexIVFFlat, and
// IndexIDMap / IndexIDMap2 around any of them.
//
// A FAISS file is outside bytes, and FAISS's reader trusts its input (a length field can
// make it allocate terabytes, a bool byte can hold 7). So the file is first walked with a
// bounds-checked cursor that checks every length against the bytes left, every count
// against ntotal, every enum and bool value and the nesting of the kinds above; only a file
// that passes is handed to faiss::read_index, and its vectors are read back through FAISS.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "molt/index/vector_index.h"

namespace molt::index {

struct FaissVectors {
  std::string kind;       // the outer index's FAISS type code: "IxFI", "IxM2", "IHNf", ...
  std::size_t dim = 0;
  Metric metric = Metric::kInnerProduct;  // FAISS's inner product or L2
  std::vector<float> vectors;             // f32 [n, dim] in the index's order
  // Per row: its FAISS label, the id search results carry: the row number for flat and
  // HNSW indexes, the stored id for IVF lists, the mapped id under an IndexIDMap.
  std::vector<std::int64_t> labels;
  bool labels_are_ids = false;            // labels came from the file (IVF, IDMap)

  std::size_t size() const { return labels.size(); }
};

// Validates and reads `bytes` (`source` names the file in errors). Throws input_error
// naming the file, the field and the byte offset for anything malformed or unsupported.
FaissVectors read_faiss_vectors(std::span<const std::byte> bytes, const std::string& source);
FaissVectors read_faiss_file(const std::filesystem::path& path);

// Writes vectors f32 [n, dim] as an IndexFlatIP (inner product, and cosine on normalized
// vectors) or IndexFlatL2 file with faiss::write_index, atomically. Row i is label i.
void write_faiss_flat(const std::filesystem::path& path, std::size_t dim, Metric metric,
                      std::span<const float> vectors);

}  // namespace molt::index
