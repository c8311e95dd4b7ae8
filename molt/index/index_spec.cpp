#include "molt/index/index_spec.h"

#include <charconv>
#include <span>
#include <set>
#include <vector>

#include "molt/base/error.h"

namespace molt::index {
namespace {

struct Param {
  const char* key;
  int IndexSpec::*field;
  int min;
  int max;
};

constexpr Param kHnswParams[] = {
    {"M", &IndexSpec::m, 4, 256},
    {"efConstruction", &IndexSpec::ef_construction, 8, 4096},
    {"efSearch", &IndexSpec::ef_search, 1, 65536},
    {"exactBelow", &IndexSpec::exact_below, 0, 1 << 30},
};
constexpr Param kIvfParams[] = {
    {"nlist", &IndexSpec::nlist, 1, 1 << 20},
    {"nprobe", &IndexSpec::nprobe, 1, 1 << 20},
};

std::span<const Param> params_of(IndexKind kind) {
  switch (kind) {
    case IndexKind::kHnsw:
      return kHnswParams;
    case IndexKind::kIvf:
      return kIvfParams;
    case IndexKind::kFlat:
      break;
  }
  return {};
}

std::string valid_keys(IndexKind kind) {
  std::string out;
  for (const Param& p : params_of(kind)) {
    if (!out.empty()) out += ", ";
    out += p.key;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

const char* index_kind_name(IndexKind kind) {
  switch (kind) {
    case IndexKind::kFlat:
      return "flat";
    case IndexKind::kHnsw:
      return "hnsw";
    case IndexKind::kIvf:
      return "ivf";
  }
  return "?";
}

std::string IndexSpec::to_string() const {
  std::string out = index_kind_name(kind);
  char sep = ':';
  for (const Param& p : params_of(kind)) {
    out += sep;
    out += p.key;
    out += '=';
    out += std::to_string(this->*p.field);
    sep = ',';
  }
  return out;
}

IndexSpec parse_index_spec(std::string_view text) {
  const Where where{.field = "index spec"};
  const std::string quoted = "'" + std::string(text) + "'";
  const auto colon = text.find(':');
  const std::string_view kind_text = text.substr(0, colon);
  IndexSpec spec;
  if (kind_text == "flat") {
    spec.kind = IndexKind::kFlat;
  } else if (kind_text == "hnsw") {
    spec.kind = IndexKind::kHnsw;
  } else if (kind_text == "ivf") {
    spec.kind = IndexKind::kIvf;
  } else {
    throw usage_error("unknown index kind '" + std::string(kind_text) + "' in " + quoted +
                          " (valid: flat, hnsw, ivf)",
                      where);
  }
  if (colon == std::string_view::npos) return spec;

  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) throw usage_error("empty parameter list in " + quoted, where);
  std::set<std::string, std::less<>> seen;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw usage_error("expected KEY=VALUE, got '" + std::string(item) + "' in " + quoted, where);
    }
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    const Param* param = nullptr;
    for (const Param& p : params_of(spec.kind)) {
      if (key == p.key) param = &p;
    }
    if (param == nullptr) {
      throw usage_error("unknown parameter '" + std::string(key) + "' for " +
                            index_kind_name(spec.kind) + " in " + quoted + " (valid: " +
                            valid_keys(spec.kind) + ")",
                        where);
    }
    if (!seen.emplace(key).second) {
      throw usage_error("parameter '" + std::string(key) + "' given twice in " + quoted, where);
    }
    int v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v < param->min || v > param->max) {
      throw usage_error(std::string(param->key) + " must be an integer in [" +
                            std::to_string(param->min) + ", " + std::to_string(param->max) +
                            "], got '" + std::string(value) + "' in " + quoted,
                        where);
    }
    spec.*(param->field) = v;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return spec;
}

}  // namespace molt::index
