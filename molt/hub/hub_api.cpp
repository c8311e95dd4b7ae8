#include "molt/hub/hub_api.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "molt/base/check.h"
#include "molt/hub/hf_cache.h"

namespace molt::hub {
namespace {

constexpr int kMaxRelativeRedirects = 10;

std::optional<std::uint64_t> parse_size(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return n;
}

// "https://host:port" of an absolute URL.
std::string origin(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string token_note(const HubOptions& options) {
  return options.token.empty() ? "HF_TOKEN is not set" : "the HF_TOKEN sent was refused";
}

}  // namespace

RepoInfo parse_repo_info(std::string_view json, const std::string& source) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw input_error("the Hub's revision API did not answer a JSON object", {.file = source});
  }
  RepoInfo info;
  const auto sha = doc.find("sha");
  if (sha == doc.end() || !sha->is_string() || !is_commit_hash(sha->get_ref<const std::string&>())) {
    throw input_error("the Hub's revision API gave no commit hash", {.file = source, .field = "sha"});
  }
  info.commit = sha->get<std::string>();
  const auto siblings = doc.find("siblings");
  if (siblings == doc.end() || !siblings->is_array()) {
    throw input_error("the Hub's revision API gave no file list", {.file = source, .field = "siblings"});
  }
  for (std::size_t i = 0; i < siblings->size(); ++i) {
    const auto& entry = (*siblings)[i];
    const std::string field = "siblings[" + std::to_string(i) + "].rfilename";
    const auto name = entry.is_object() ? entry.find("rfilename") : entry.end();
    if (!entry.is_object() || name == entry.end() || !name->is_string()) {
      throw input_error("the Hub's revision API gave a file without a name", {.file = source, .field = field});
    }
    const auto& path = name->get_ref<const std::string&>();
    if (!is_safe_repo_path(path)) {
      throw input_error("the Hub's revision API gave an unsafe file name '" + path + "'",
                        {.file = source, .field = field});
    }
    info.files.push_back(path);
  }
  return info;
}

std::string url_quote(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-' || c == '~' || (keep_slash && c == '/');
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string resolve_url(const HubOptions& options, const RepoId& id, std::string_view revision,
                        std::string_view path) {
  return options.endpoint + "/" + id.str() + "/resolve/" + url_quote(revision, false) + "/" +
         url_quote(path, true);
}

std::vector<std::string> hub_headers(const HubOptions& options) {
  std::vector<std::string> headers;
  if (!options.token.empty()) headers.push_back("Authorization: Bearer " + options.token);
  return headers;
}

Error hub_error(const HttpResponse& response, const HubOptions& options, const RepoId& id,
                const std::string& what) {
  if (!response.transferred()) {
    return io_error(what + ": cannot reach " + options.endpoint + ": " + response.transport_error +
                    " (check the network or proxy settings, point HF_ENDPOINT at a mirror, or set "
                    "HF_HUB_OFFLINE=1 to use only models already on this machine)");
  }
  const std::string code = response.header("x-error-code").value_or("");
  const std::string server_message = response.header("x-error-message").value_or("");
  const long status = response.status;
  std::string detail = "HTTP " + std::to_string(status);
  if (!code.empty()) detail += " " + code;
  if (!server_message.empty()) detail += ": " + server_message;
  detail += ", " + response.url;

  const std::string page = options.endpoint + "/" + id.str();
  if (code == "GatedRepo") {
    return not_found_error(what + ": " + id.str() + " is gated: accept its conditions at " + page +
                           " and set HF_TOKEN to an access token of that account (" +
                           token_note(options) + ") (" + detail + ")");
  }
  if (code == "RevisionNotFound") {
    return not_found_error(what + ": no such revision in " + id.str() + " (" + detail + ")");
  }
  if (code == "EntryNotFound") {
    return not_found_error(what + ": no such file in " + id.str() + " (" + detail + ")");
  }
  if (status == 401 || status == 403) {
    return not_found_error(what + ": access refused: " + id.str() +
                           " does not exist, or is gated or private: set HF_TOKEN to an access "
                           "token that can read it (" + token_note(options) + ") (" + detail + ")");
  }
  if (code == "RepoNotFound" || status == 404) {
    return not_found_error(what + ": not found on " + options.endpoint + " (check the name at " +
                           page + ") (" + detail + ")");
  }
  if (status == 429) {
    return Error(ErrorKind::kOverloaded,
                 what + ": the Hub is limiting requests, try again later (" + detail + ")");
  }
  return io_error(what + ": unexpected answer from " + options.endpoint + " (" + detail + ")");
}

RepoInfo fetch_repo_info(HttpClient& client, const HubOptions& options, const RepoId& id,
                         std::string_view revision) {
  MOLT_CHECK(!options.offline);
  HttpRequest request;
  request.url = options.endpoint + "/api/models/" + id.str() + "/revision/" + url_quote(revision, false);
  request.headers = hub_headers(options);
  request.follow_redirects = true;
  const HttpResponse response = client.fetch(request);
  const std::string what = "revision '" + std::string(revision) + "' of " + id.str();
  if (!response.transferred() || response.status != 200) throw hub_error(response, options, id, what);
  return parse_repo_info(response.body, request.url);
}

FileMetadata fetch_file_metadata(HttpClient& client, const HubOptions& options, const RepoId& id,
                                 std::string_view commit, std::string_view path) {
  MOLT_CHECK(!options.offline);
  HttpRequest request;
  request.url = resolve_url(options, id, commit, path);
  request.headers = hub_headers(options);
  request.headers.push_back("Accept-Encoding: identity");
  request.head = true;
  const std::string what = "file '" + std::string(path) + "' of " + id.str();

  HttpResponse response;
  for (int hop = 0;; ++hop) {
    response = client.fetch(request);
    if (!response.transferred()) throw hub_error(response, options, id, what);
    if (response.status < 300 || response.status > 399) break;
    const auto location = response.header("location");
    if (!location || location->empty()) break;
    const bool relative = location->front() == '/' && !location->starts_with("//");
    if (!relative || hop >= kMaxRelativeRedirects) break;
    request.url = origin(request.url) + *location;
  }
  if (response.status >= 400 || response.status < 200) throw hub_error(response, options, id, what);

  FileMetadata meta;
  meta.commit = response.header("x-repo-commit").value_or("");
  const auto linked = response.header("x-linked-etag");
  meta.lfs = linked.has_value() && !linked->empty();
  meta.etag = normalize_etag(meta.lfs ? *linked : response.header("etag").value_or(""));
  meta.size = parse_size(meta.lfs ? response.header("x-linked-size") : response.header("content-length"));
  if (!meta.size && meta.lfs) meta.size = parse_size(response.header("content-length"));
  meta.location = response.status >= 300 ? response.header("location").value_or(request.url) : request.url;
  if (meta.etag.empty()) {
    throw io_error(what + ": the server sent no ETag, so the download cannot be cached (" +
                   response.url + ")");
  }
  if (!is_safe_blob_name(meta.etag)) {
    throw io_error(what + ": the server sent an unusable ETag '" + meta.etag + "' (" + response.url + ")");
  }
  return meta;
}

std::string normalize_etag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  while (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  while (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  return std::string(etag);
}

}  // namespace molt::hub
