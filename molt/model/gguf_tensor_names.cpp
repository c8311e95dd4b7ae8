#include "molt/model/gguf_tensor_names.h"

#include <algorithm>

#include "molt/base/check.h"

namespace molt::model {
namespace {

constexpr std::string_view kLayer = "{}";

// When `name` matches `pattern` ("{}" standing for one or more decimal digits), the digits
// (empty for a pattern without "{}"); otherwise false.
bool match(std::string_view pattern, std::string_view name, std::string_view& digits) {
  const std::size_t at = pattern.find(kLayer);
  if (at == std::string_view::npos) {
    digits = {};
    return pattern == name;
  }
  const std::string_view prefix = pattern.substr(0, at), suffix = pattern.substr(at + kLayer.size());
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) {
    return false;
  }
  digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

GgufTensorNames::GgufTensorNames(Table table) : table_(std::move(table)) {
  for (const auto& [canonical, gguf] : table_) {
    MOLT_CHECK((canonical.find(kLayer) == std::string::npos) == (gguf.find(kLayer) == std::string::npos));
  }
}

std::string GgufTensorNames::operator()(std::string_view canonical) const {
  const std::size_t dot = canonical.rfind('.');
  if (dot == std::string_view::npos) return std::string(canonical);
  const std::string_view module = canonical.substr(0, dot), param = canonical.substr(dot);
  for (const auto& [pattern, gguf] : table_) {
    std::string_view digits;
    if (!match(pattern, module, digits)) continue;
    std::string out = gguf;
    if (const std::size_t at = out.find(kLayer); at != std::string::npos) out.replace(at, kLayer.size(), digits);
    return out + std::string(param);
  }
  return std::string(canonical);
}

}  // namespace molt::model
