#include "molt/index/vector_index.h"

#include "molt/base/error.h"
#include "molt/index/flat_index.h"
#include "molt/index/hnsw_index.h"
#include "molt/index/index_io.h"
#include "molt/index/ivf_index.h"

namespace molt::index {

const char* metric_name(Metric metric) {
  switch (metric) {
    case Metric::kCosine:
      return "cosine";
    case Metric::kInnerProduct:
      return "ip";
    case Metric::kL2:
      return "l2";
  }
  return "?";
}

Metric parse_metric(std::string_view name) {
  if (name == "cosine") return Metric::kCosine;
  if (name == "ip" || name == "dot") return Metric::kInnerProduct;
  if (name == "l2") return Metric::kL2;
  throw usage_error("unknown metric '" + std::string(name) + "' (valid: cosine, ip, l2)",
                    {.field = "metric"});
}

std::unique_ptr<VectorIndex> make_vector_index(const IndexSpec& spec, std::size_t dim, Metric metric) {
  switch (spec.kind) {
    case IndexKind::kFlat:
      return std::make_unique<FlatIndex>(dim, metric);
    case IndexKind::kHnsw:
      return std::make_unique<HnswIndex>(spec, dim, metric);
    case IndexKind::kIvf:
      return std::make_unique<IvfIndex>(spec, dim, metric);
  }
  return nullptr;
}

void put_string(std::string& out, std::string_view s) {
  put<std::uint64_t>(out, s.size());
  out.append(s);
}

std::string get_string(formats::ByteReader& in, std::string_view field) {
  const std::uint64_t n = in.u64(field);
  return std::string(in.take_string(n, field));
}

void put_index_header(std::string& out, const IndexSpec& spec, std::size_t dim, Metric metric) {
  out.append(kIndexMagic);
  put_string(out, spec.to_string());
  put<std::uint32_t>(out, static_cast<std::uint32_t>(dim));
  put<std::uint8_t>(out, static_cast<std::uint8_t>(metric));
}

std::unique_ptr<VectorIndex> load_vector_index(std::string_view bytes, const std::string& source) {
  formats::ByteReader in(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), source);
  if (in.take_string(kIndexMagic.size(), "magic") != kIndexMagic) in.fail("not a molt vector index", "magic");
  IndexSpec spec;
  const std::string spec_text = get_string(in, "spec");
  try {
    spec = parse_index_spec(spec_text);
  } catch (const Error& e) {
    in.fail(e.what_only(), "spec");
  }
  const std::uint32_t dim = in.u32("dim");
  const std::uint8_t metric_code = in.u8("metric");
  if (dim == 0 || dim > (1u << 20)) in.fail("dimension out of range", "dim");
  if (metric_code > static_cast<std::uint8_t>(Metric::kL2)) in.fail("unknown metric", "metric");
  const auto metric = static_cast<Metric>(metric_code);
  std::unique_ptr<VectorIndex> index;
  switch (spec.kind) {
    case IndexKind::kFlat:
      index = FlatIndex::load_payload(in, dim, metric);
      break;
    case IndexKind::kHnsw:
      index = HnswIndex::load_payload(in, spec, dim, metric);
      break;
    case IndexKind::kIvf:
      index = IvfIndex::load_payload(in, spec, dim, metric);
      break;
  }
  if (in.remaining() != 0) in.fail("trailing bytes after the index", "end");
  return index;
}

}  // namespace molt::index
