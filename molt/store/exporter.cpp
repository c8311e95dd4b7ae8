#include "molt/store/exporter.h"

#include <optional>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/base/text_format.h"
#include "molt/formats/id_list.h"
#include "molt/formats/npy.h"
#include "molt/formats/npz.h"
#include "molt/index/faiss_file.h"
#include "molt/index/vector_math.h"

namespace molt::store {
namespace {

std::string jsonl_line(const Document& d, bool with_vector) {
  std::string line = "{\"id\":";
  append_json_string(line, d.id);
  line += ",\"text\":";
  append_json_string(line, d.text);
  line += ",\"metadata\":";
  line += d.metadata.dump();
  if (with_vector && !d.vector.empty()) {
    line += ",\"vector\":";
    append_float_array(line, d.vector);
  }
  line += "}\n";
  return line;
}

ExportResult export_jsonl(Store& store, const ExportOptions& o, const std::string& space) {
  if (o.output.empty() && o.out == nullptr) throw usage_error("export needs --output FILE", {.field = "output"});
  std::optional<AtomicFile> file;
  if (!o.output.empty()) file.emplace(o.output);
  ExportResult result;
  result.space = o.vectors ? space : "";
  ScrollRequest request;
  request.space = o.vectors ? space : "";  // every document, with its vector when it has one
  std::size_t total = 0;
  auto write_doc = [&](Document& d) {
    const std::string line = jsonl_line(d, o.vectors);
    if (file) {
      file->write(line);
    } else {
      o.out->write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    if (!d.vector.empty()) result.dim = d.vector.size();
    ++result.documents;
    if (o.progress && result.documents % 4096 == 0) o.progress({"export", result.documents, total, "docs"});
  };
  result.seq = store.for_each_document(o.collection, request, [&](std::size_t n) { total = n; }, write_doc);
  if (file) file->commit();
  if (o.out != nullptr) o.out->flush();
  if (o.progress) o.progress({"export", result.documents, result.documents, "docs"});
  return result;
}

ExportResult export_matrix(Store& store, const ExportOptions& o, const SpaceInfo& space) {
  if (o.output.empty()) throw usage_error("export needs --output FILE", {.field = "output"});
  if (o.ids.empty()) throw usage_error("export to a vector file needs --ids FILE for the row ids", {.field = "ids"});
  ExportResult result;
  result.space = space.name();
  result.dim = space.config.dim;
  const std::size_t dim = space.config.dim;
  std::vector<std::string> ids;
  std::vector<float> rows;
  std::optional<AtomicFile> npy;  // .npy streams rows; the others need the whole matrix
  std::size_t total = 0;
  ScrollRequest request;
  request.space = space.name();
  request.only_with_vectors = true;
  request.text = false;
  request.metadata = false;
  result.seq = store.for_each_document(
      o.collection, request,
      [&](std::size_t n) {
        total = n;
        if (o.format == ExportFormat::kNpy) {
          npy.emplace(o.output);
          const std::int64_t shape[] = {static_cast<std::int64_t>(n), static_cast<std::int64_t>(dim)};
          npy->write(formats::npy_header_f32(shape));
        }
      },
      [&](Document& d) {
        ids.push_back(d.id);
        if (o.format == ExportFormat::kFaiss && space.config.metric == index::Metric::kCosine) index::normalize(d.vector);
        if (npy) {
          npy->write(std::as_bytes(std::span<const float>(d.vector)));
        } else {
          rows.insert(rows.end(), d.vector.begin(), d.vector.end());
        }
        ++result.documents;
        if (o.progress && result.documents % 4096 == 0) o.progress({"export", result.documents, total, "docs"});
      });
  if (result.documents != total) throw internal_error("the snapshot changed size while exporting");
  if (o.format == ExportFormat::kNpz) {
    const formats::NpzArray arrays[] = {
        {o.npz_key, {static_cast<std::int64_t>(result.documents), static_cast<std::int64_t>(dim)}, rows}};
    formats::write_npz_f32(o.output, arrays);
  } else if (o.format == ExportFormat::kFaiss) {
    index::write_faiss_flat(o.output, dim, space.config.metric, rows);
  }
  // The id list first, the matrix last: a matrix is never there without its ids.
  formats::write_id_list(o.ids, ids);
  if (npy) npy->commit();
  if (o.progress) o.progress({"export", result.documents, result.documents, "docs"});
  return result;
}

}  // namespace

const char* export_format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl:
      return "jsonl";
    case ExportFormat::kNpy:
      return "npy";
    case ExportFormat::kNpz:
      return "npz";
    case ExportFormat::kFaiss:
      return "faiss";
  }
  return "?";
}

ExportFormat parse_export_format(std::string_view name) {
  for (const ExportFormat f : {ExportFormat::kJsonl, ExportFormat::kNpy, ExportFormat::kNpz, ExportFormat::kFaiss}) {
    if (name == export_format_name(f)) return f;
  }
  throw usage_error("unknown export format '" + std::string(name) + "' (valid: jsonl, npy, npz, faiss)",
                    {.field = "format"});
}

ExportResult export_collection(Store& store, const ExportOptions& options) {
  const CollectionInfo c = store.collection(options.collection);
  if (options.format == ExportFormat::kJsonl) {
    const SpaceInfo* space = options.space.empty() ? c.serving_space() : &c.space_or_serving(options.space);
    return export_jsonl(store, options, space != nullptr ? space->name() : "");
  }
  return export_matrix(store, options, c.space_or_serving(options.space));
}

}  // namespace molt::store
