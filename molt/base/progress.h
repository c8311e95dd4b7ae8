// Progress reporting from long library operations. The library never prints: it calls a
// ProgressFn, and the face (CLI bar, server metrics) decides what to show.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace molt {

struct Progress {
  std::string_view stage;  // "encode", "backfill", "download", ...
  std::uint64_t done = 0;
  std::uint64_t total = 0;  // 0 when unknown
  std::string_view unit;    // "docs", "tokens", "bytes"
};

// Called from the thread doing the work, possibly often; must be cheap and must not throw.
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace molt
