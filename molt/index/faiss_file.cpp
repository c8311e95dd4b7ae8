#include "molt/index/faiss_file.h"

#include <cstring>
#include <limits>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/base/mapped_file.h"
#include "molt/formats/byte_reader.h"
#include "molt/index/faiss_support.h"

namespace molt::index {
namespace {

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}

std::string fourcc_text(std::uint32_t h) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<char>((h >> (8 * i)) & 0xff);
    s += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return s;
}

constexpr std::uint32_t kFlatIp = fourcc("IxFI");
constexpr std::uint32_t kFlatL2 = fourcc("IxF2");
constexpr std::uint32_t kFlat = fourcc("IxFl");
constexpr std::uint32_t kIdMap = fourcc("IxMp");
constexpr std::uint32_t kIdMap2 = fourcc("IxM2");
constexpr std::uint32_t kHnswFlat = fourcc("IHNf");
constexpr std::uint32_t kIvfFlat = fourcc("IwFl");
constexpr std::uint32_t kArrayLists = fourcc("ilar");
constexpr std::uint32_t kFullSizes = fourcc("full");
constexpr std::uint32_t kSparseSizes = fourcc("sprs");

constexpr std::int64_t kMaxDim = 1 << 16;

bool is_flat(std::uint32_t h) { return h == kFlatIp || h == kFlatL2 || h == kFlat; }

// What the walk learned about one (possibly nested) index.
struct Header {
  std::uint32_t kind = 0;
  std::int32_t d = 0;
  std::int64_t ntotal = 0;
  std::int32_t metric = 0;
};

// The bounds-checked walk: mirrors faiss/impl/index_read.cpp for the supported kinds and
// checks what FAISS would take on trust.
class Walker {
 public:
  explicit Walker(formats::ByteReader& in) : in_(in) {}

  Header index(int depth) {
    if (depth > 2) in_.fail("indexes nested too deeply", "index");
    Header h;
    const std::uint64_t at = in_.offset();
    h.kind = in_.u32("index type");
    if (is_flat(h.kind)) {
      header(h);
      const std::uint64_t n = count("vectors", sizeof(float));
      // Divided rather than multiplied: ntotal x d could wrap around (found by fuzzing).
      if (n % static_cast<std::uint64_t>(h.d) != 0 || n / static_cast<std::uint64_t>(h.d) != static_cast<std::uint64_t>(h.ntotal)) {
        in_.fail("holds " + std::to_string(n) + " floats, expected ntotal x d", "vectors");
      }
      in_.take(n * sizeof(float), "vectors");
    } else if (h.kind == kIdMap || h.kind == kIdMap2) {
      header(h);
      const Header inner = index(depth + 1);
      if (inner.kind == kIdMap || inner.kind == kIdMap2) in_.fail("an ID map inside an ID map", "index");
      same_shape(h, inner, "wrapped index");
      const std::uint64_t n = count("id_map", sizeof(std::int64_t));
      if (n != static_cast<std::uint64_t>(h.ntotal)) in_.fail("id_map length differs from ntotal", "id_map");
      in_.take(n * sizeof(std::int64_t), "id_map");
    } else if (h.kind == kHnswFlat) {
      header(h);
      hnsw(h);
      const Header storage = index(depth + 1);
      if (!is_flat(storage.kind)) in_.fail("HNSW storage must be a flat index", "storage");
      same_shape(h, storage, "HNSW storage");
    } else if (h.kind == kIvfFlat) {
      header(h);
      ivf(h, depth);
    } else {
      in_.fail_at(at, "FAISS index type '" + fourcc_text(h.kind) +
                          "' is not supported (supported: IndexFlat, IndexHNSWFlat, IndexIVFFlat, "
                          "IndexIDMap, IndexIDMap2); export its vectors with reconstruct_n() to .npy",
                  "index type");
    }
    return h;
  }

 private:
  void header(Header& h) {
    h.d = in_.read<std::int32_t>("d");
    if (h.d <= 0 || h.d > kMaxDim) in_.fail("dimension " + std::to_string(h.d) + " out of range", "d");
    h.ntotal = in_.read<std::int64_t>("ntotal");
    if (h.ntotal < 0) in_.fail("negative ntotal", "ntotal");
    in_.read<std::int64_t>("dummy");
    in_.read<std::int64_t>("dummy");
    boolean("is_trained");
    h.metric = in_.read<std::int32_t>("metric_type");
    if (h.metric != faiss::METRIC_INNER_PRODUCT && h.metric != faiss::METRIC_L2) {
      in_.fail("metric " + std::to_string(h.metric) + " is not supported (inner product or L2)", "metric_type");
    }
  }

  bool boolean(std::string_view field) {
    const std::uint8_t b = in_.u8(field);
    if (b > 1) in_.fail("a boolean holds " + std::to_string(b), field);
    return b == 1;
  }

  // A FAISS vector's length field, checked against the bytes left for `item` bytes each.
  std::uint64_t count(std::string_view field, std::uint64_t item) {
    const std::uint64_t n = in_.u64(field);
    if (n > in_.remaining() / item) in_.fail("length " + std::to_string(n) + " exceeds the file", field);
    return n;
  }

  void skip_vector(std::string_view field, std::uint64_t item) { in_.take(count(field, item) * item, field); }

  void same_shape(const Header& outer, const Header& inner, std::string_view what) {
    if (inner.d != outer.d || inner.ntotal != outer.ntotal || inner.metric != outer.metric) {
      in_.fail(std::string(what) + " disagrees on dimension, size or metric", what);
    }
  }

  void hnsw(const Header& h) {
    skip_vector("assign_probas", sizeof(double));
    skip_vector("cum_nneighbor_per_level", sizeof(std::int32_t));
    const std::uint64_t levels = count("levels", sizeof(std::int32_t));
    if (levels != static_cast<std::uint64_t>(h.ntotal)) in_.fail("one level per vector expected", "levels");
    in_.take(levels * sizeof(std::int32_t), "levels");
    const std::uint64_t offsets = count("offsets", sizeof(std::uint64_t));
    if (offsets != static_cast<std::uint64_t>(h.ntotal) + 1) in_.fail("ntotal + 1 offsets expected", "offsets");
    in_.take(offsets * sizeof(std::uint64_t), "offsets");
    skip_vector("neighbors", sizeof(std::int32_t));
    for (const char* field : {"entry_point", "max_level", "efConstruction", "efSearch", "upper_beam"}) {
      in_.read<std::int32_t>(field);
    }
  }

  void ivf(const Header& h, int depth) {
    const std::uint64_t nlist = in_.u64("nlist");
    in_.u64("nprobe");
    const Header quantizer = index(depth + 1);
    if (!is_flat(quantizer.kind)) in_.fail("the IVF quantizer must be a flat index", "quantizer");
    if (quantizer.d != h.d || static_cast<std::uint64_t>(quantizer.ntotal) != nlist) {
      in_.fail("the quantizer must hold nlist centroids of dimension d", "quantizer");
    }
    const std::uint8_t map_type = in_.u8("direct_map");
    if (map_type > 2) in_.fail("unknown direct map type", "direct_map");
    skip_vector("direct_map.array", sizeof(std::int64_t));
    if (map_type == 2) skip_vector("direct_map.hashtable", 2 * sizeof(std::int64_t));
    if (in_.u32("invlists") != kArrayLists) in_.fail("only inverted lists stored in the file are supported", "invlists");
    if (in_.u64("invlists.nlist") != nlist) in_.fail("list count differs from nlist", "invlists.nlist");
    const std::uint64_t code_size = in_.u64("code_size");
    if (code_size != static_cast<std::uint64_t>(h.d) * sizeof(float)) in_.fail("code size must be 4 x d", "code_size");
    std::vector<std::uint64_t> sizes(nlist, 0);
    if (nlist > in_.remaining()) in_.fail("nlist exceeds the file", "nlist");
    const std::uint32_t list_type = in_.u32("list_type");
    if (list_type == kFullSizes) {
      if (count("sizes", sizeof(std::uint64_t)) != nlist) in_.fail("one size per list expected", "sizes");
      for (std::uint64_t& s : sizes) s = in_.u64("sizes");
    } else if (list_type == kSparseSizes) {
      const std::uint64_t n = count("sizes", sizeof(std::uint64_t));
      if (n % 2 != 0) in_.fail("sparse sizes come in pairs", "sizes");
      for (std::uint64_t i = 0; i < n; i += 2) {
        const std::uint64_t list = in_.u64("sizes");
        const std::uint64_t size = in_.u64("sizes");
        if (list >= nlist) in_.fail("list number out of range", "sizes");
        sizes[list] = size;
      }
    } else {
      in_.fail("unknown list size encoding", "list_type");
    }
    std::uint64_t total = 0;
    for (const std::uint64_t s : sizes) {
      if (s > in_.remaining() / (code_size + sizeof(std::int64_t))) in_.fail("a list exceeds the file", "sizes");
      total += s;
      in_.take(s * code_size, "codes");
      in_.take(s * sizeof(std::int64_t), "ids");
    }
    if (total != static_cast<std::uint64_t>(h.ntotal)) in_.fail("the lists do not hold ntotal vectors", "invlists");
  }

  formats::ByteReader& in_;
};

// Vectors and labels of an index FAISS has read (and the walk has validated).
void extract(const faiss::Index& index, FaissVectors& out) {
  const auto d = static_cast<std::size_t>(index.d);
  if (const auto* flat = dynamic_cast<const faiss::IndexFlat*>(&index)) {
    out.vectors.assign(flat->get_xb(), flat->get_xb() + static_cast<std::size_t>(flat->ntotal) * d);
    for (faiss::Index::idx_t i = 0; i < flat->ntotal; ++i) out.labels.push_back(i);
  } else if (const auto* hnsw = dynamic_cast<const faiss::IndexHNSWFlat*>(&index)) {
    extract(*hnsw->storage, out);
  } else if (const auto* ivf = dynamic_cast<const faiss::IndexIVFFlat*>(&index)) {
    for (std::size_t l = 0; l < ivf->nlist; ++l) {
      const std::size_t n = ivf->invlists->list_size(l);
      const auto* codes = reinterpret_cast<const float*>(ivf->invlists->get_codes(l));
      const faiss::Index::idx_t* ids = ivf->invlists->get_ids(l);
      out.vectors.insert(out.vectors.end(), codes, codes + n * d);
      out.labels.insert(out.labels.end(), ids, ids + n);
      ivf->invlists->release_codes(l, reinterpret_cast<const std::uint8_t*>(codes));
      ivf->invlists->release_ids(l, ids);
    }
    out.labels_are_ids = true;
  } else if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(&index)) {
    FaissVectors inner;
    extract(*map->index, inner);
    for (std::int64_t& label : inner.labels) {
      if (label < 0 || static_cast<std::size_t>(label) >= map->id_map.size()) {
        throw input_error("a wrapped label has no entry in the ID map", {.field = "id_map"});
      }
      label = map->id_map[static_cast<std::size_t>(label)];
    }
    out.vectors = std::move(inner.vectors);
    out.labels = std::move(inner.labels);
    out.labels_are_ids = true;
  } else {
    throw internal_error("unexpected FAISS index type after validation");
  }
}

}  // namespace

FaissVectors read_faiss_vectors(std::span<const std::byte> bytes, const std::string& source) {
  formats::ByteReader in(bytes, source);
  const Header h = Walker(in).index(0);
  if (in.remaining() != 0) in.fail("trailing bytes after the index", "end");
  const std::unique_ptr<faiss::Index> index = read_faiss_bytes(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), source);
  FaissVectors out;
  out.kind = fourcc_text(h.kind);
  out.dim = static_cast<std::size_t>(h.d);
  out.metric = h.metric == faiss::METRIC_L2 ? Metric::kL2 : Metric::kInnerProduct;
  try {
    extract(*index, out);
  } catch (const Error& e) {
    throw e.with({.file = source});
  }
  if (out.vectors.size() != out.labels.size() * out.dim) throw internal_error("FAISS vectors and labels disagree");
  return out;
}

FaissVectors read_faiss_file(const std::filesystem::path& path) {
  const MappedFile file(path);
  return read_faiss_vectors(file.bytes(), path.string());
}

void write_faiss_flat(const std::filesystem::path& path, std::size_t dim, Metric metric, std::span<const float> vectors) {
  // IndexFlatIP / IndexFlatL2 rather than a plain IndexFlat, so the file carries the type
  // codes FAISS users expect ("IxFI", "IxF2").
  std::unique_ptr<faiss::IndexFlat> flat;
  if (metric == Metric::kL2) {
    flat = std::make_unique<faiss::IndexFlatL2>(static_cast<faiss::Index::idx_t>(dim));
  } else {
    flat = std::make_unique<faiss::IndexFlatIP>(static_cast<faiss::Index::idx_t>(dim));
  }
  call_faiss("building a FAISS flat index",
             [&] { flat->add(static_cast<faiss::Index::idx_t>(vectors.size() / dim), vectors.data()); });
  write_file_atomic(path, write_faiss_bytes(*flat));
}

}  // namespace molt::index
