// The integrity half of `migrate verify`: every live document has exactly one vector in the
// new space, computed from its current version, of the space's width, finite and non-zero,
// the space's index agrees with the stored vectors; and re-embedding a random sample of
// documents reproduces their stored vectors.
#pragma once

#include <cstdint>
#include <string_view>

#include "molt/migrate/migration_record.h"
#include "molt/store/space_encoder.h"
#include "molt/store/store.h"

namespace molt::migrate {

struct IntegrityReport {
  std::int64_t documents = 0;
  std::int64_t vectors = 0;
  std::int64_t missing = 0;        // live documents without a vector
  std::int64_t stale = 0;          // vectors computed from an older version of the document
  std::int64_t not_finite = 0;
  std::int64_t zero = 0;
  bool index_ok = true;
  std::int64_t sampled = 0;        // documents re-embedded
  std::int64_t sample_mismatches = 0;  // of those, cosine to the stored vector below the bound
  double min_sample_cosine = 1.0;
  static constexpr double kSampleCosine = 0.99999;

  bool ok() const {
    return missing == 0 && stale == 0 && not_finite == 0 && zero == 0 && index_ok && sample_mismatches == 0 &&
           vectors == documents;
  }
};

IntegrityReport check_integrity(store::Store& store, std::string_view collection, const Migration& m,
                                store::SpaceEncoder& encoder, std::size_t sample, std::uint64_t seed);

}  // namespace molt::migrate
