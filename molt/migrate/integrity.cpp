#include "molt/migrate/integrity.h"

#include <cmath>
#include <random>

#include "molt/base/error.h"

namespace molt::migrate {
namespace {

double cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace

IntegrityReport check_integrity(store::Store& store, std::string_view collection, const Migration& m,
                                store::SpaceEncoder& encoder, std::size_t sample, std::uint64_t seed) {
  if (encoder.identity().hash != m.to.config.model_hash) {
    throw usage_error("the encoder given is not the model of space '" + m.to.name() + "'", {.field = "to"});
  }
  IntegrityReport r;
  const store::StoreCheck check = store.check(collection);
  for (const store::CollectionCheck& c : check.collections) {
    r.documents = c.documents;
    for (const store::SpaceCheck& s : c.spaces) {
      if (s.space != m.to.name()) continue;
      r.vectors = s.vectors;
      r.missing = s.missing_vectors;
      r.stale = s.stale_vectors;
      r.index_ok = s.index.ok();
    }
  }
  // One pass over the stored vectors; a reservoir keeps a uniform sample of documents.
  std::mt19937_64 rng(seed);
  std::vector<store::Document> reservoir;
  std::int64_t seen = 0;
  store::ScrollRequest request;
  request.space = m.to.name();
  request.only_with_vectors = true;
  request.metadata = false;
  store.for_each_document(collection, request, {}, [&](store::Document& d) {
    bool finite = true;
    double norm = 0;
    for (const float x : d.vector) {
      if (!std::isfinite(x)) finite = false;
      norm += static_cast<double>(x) * x;
    }
    if (!finite) ++r.not_finite;
    if (finite && norm == 0) ++r.zero;
    ++seen;
    if (reservoir.size() < sample) {
      reservoir.push_back(std::move(d));
    } else if (sample > 0) {
      const auto j = std::uniform_int_distribution<std::int64_t>(0, seen - 1)(rng);
      if (j < static_cast<std::int64_t>(sample)) reservoir[static_cast<std::size_t>(j)] = std::move(d);
    }
  });
  if (!reservoir.empty()) {
    std::vector<std::string> texts;
    for (const store::Document& d : reservoir) texts.push_back(d.text);
    const std::vector<float> fresh = encoder.embed(texts, store::embed_request(m.to, store::EmbedRole::kDocument));
    const std::size_t dim = m.to.config.dim;
    for (std::size_t i = 0; i < reservoir.size(); ++i) {
      // Only vectors of the document's current version are expected to match.
      if (reservoir[i].vector_seq != reservoir[i].seq) continue;
      const double c = cosine(reservoir[i].vector, std::span<const float>(fresh).subspan(i * dim, dim));
      ++r.sampled;
      r.min_sample_cosine = std::min(r.min_sample_cosine, c);
      if (c < IntegrityReport::kSampleCosine) ++r.sample_mismatches;
    }
  }
  return r;
}

}  // namespace molt::migrate
