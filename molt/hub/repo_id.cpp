#include "molt/hub/repo_id.h"

namespace molt::hub {
namespace {

constexpr std::size_t kMaxRepoIdLength = 96;

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// One part of an id: [\w.-]+ that starts and ends with \w (the \b...\b of huggingface_hub's
// regular expression).
bool valid_part(std::string_view part) {
  if (part.empty() || !is_word_char(part.front()) || !is_word_char(part.back())) return false;
  for (char c : part) {
    if (!is_word_char(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string RepoId::str() const { return org.empty() ? name : org + "/" + name; }

std::string RepoId::cache_folder() const {
  return org.empty() ? "models--" + name : "models--" + org + "--" + name;
}

std::optional<RepoId> parse_repo_id(std::string_view text) {
  if (text.empty() || text.size() > kMaxRepoIdLength) return std::nullopt;
  if (text.find("--") != std::string_view::npos || text.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  if (text.ends_with(".git")) return std::nullopt;
  RepoId id;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    id.name = std::string(text);
  } else {
    id.org = std::string(text.substr(0, slash));
    id.name = std::string(text.substr(slash + 1));
    if (!valid_part(id.org)) return std::nullopt;
  }
  if (!valid_part(id.name)) return std::nullopt;
  return id;
}

std::optional<RepoId> repo_id_from_cache_folder(std::string_view folder) {
  constexpr std::string_view kPrefix = "models--";
  if (!folder.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = folder.substr(kPrefix.size());
  const auto sep = rest.find("--");
  std::string text(rest);
  if (sep != std::string_view::npos) {
    text = std::string(rest.substr(0, sep)) + "/" + std::string(rest.substr(sep + 2));
  }
  auto id = parse_repo_id(text);
  if (!id || id->cache_folder() != folder) return std::nullopt;
  return id;
}

bool is_commit_hash(std::string_view revision) {
  if (revision.size() != 40) return false;
  for (char c : revision) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace molt::hub
