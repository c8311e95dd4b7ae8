// A Hugging Face model id ("org/name", or a bare "name") checked as huggingface_hub's
// validate_repo_id checks it, and its folder name in the Hub cache ("models--org--name").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace molt::hub {

struct RepoId {
  std::string org;   // empty for a bare name
  std::string name;

  std::string str() const;           // "org/name" or "name"
  std::string cache_folder() const;  // "models--org--name" or "models--name"
  bool operator==(const RepoId&) const = default;
};

// nullopt when `text` is not a valid id: one or two parts of [A-Za-z0-9_.-] separated by
// '/', each starting and ending with a letter, digit or '_', no "--" or "..", no ".git"
// suffix, at most 96 characters (huggingface_hub's rules).
std::optional<RepoId> parse_repo_id(std::string_view text);

// The id a cache folder holds ("models--org--name" → org/name); nullopt for any other name.
std::optional<RepoId> repo_id_from_cache_folder(std::string_view folder);

// A full commit id: 40 lowercase hex digits (the form the Hub and huggingface_hub use).
bool is_commit_hash(std::string_view revision);

}  // namespace molt::hub
