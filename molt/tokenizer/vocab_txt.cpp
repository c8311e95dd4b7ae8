#include "molt/tokenizer/vocab_txt.h"

#include <cmath>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/tokenizer/unicode.h"

namespace molt::tokenizer {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A JSON file beside the vocabulary; null when it does not exist.
json read_optional_json(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return json();
  const std::string text = read_file(file);
  try {
    json v = json::parse(text);
    if (!v.is_object()) throw input_error("must hold a JSON object", {.file = file.string()});
    return v;
  } catch (const json::parse_error& e) {
    const std::string_view what = e.what();
    const auto close = what.find("] ");
    throw input_error("not valid JSON: " + std::string(close == std::string_view::npos ? what : what.substr(close + 2)),
                      {.file = file.string(), .offset = e.byte > 0 ? e.byte - 1 : 0});
  } catch (const json::exception& e) {
    throw input_error(std::string("not valid JSON: ") + e.what(), {.file = file.string()});
  }
}

// A special token in transformers' files: a string, or a serialized AddedToken object.
std::optional<AddedToken> token_value(const json& v, const fs::path& file, const std::string& field) {
  if (v.is_null()) return std::nullopt;
  AddedToken t;
  if (v.is_string()) {
    t.content = v.get<std::string>();
  } else if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    t.content = v["content"].get<std::string>();
    const auto flag = [&](const char* key, bool fallback) {
      if (!v.contains(key)) return fallback;
      if (!v[key].is_boolean()) throw input_error("must be true or false", {.file = file.string(), .field = field + "." + key});
      return v[key].get<bool>();
    };
    t.single_word = flag("single_word", false);
    t.lstrip = flag("lstrip", false);
    t.rstrip = flag("rstrip", false);
    t.special = flag("special", true);
    t.normalized = flag("normalized", !t.special);
  } else {
    throw input_error("must be a token string or an object with \"content\"", {.file = file.string(), .field = field});
  }
  if (t.content.empty()) throw input_error("a special token cannot be empty", {.file = file.string(), .field = field});
  return t;
}

bool flag(const json& config, const char* key, bool fallback, const fs::path& file) {
  if (!config.is_object() || !config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_boolean()) throw input_error("must be true or false", {.file = file.string(), .field = key});
  return config[key].get<bool>();
}

std::optional<std::size_t> model_max_length(const json& config) {
  if (!config.is_object() || !config.contains("model_max_length")) return std::nullopt;
  const json& v = config["model_max_length"];
  // transformers writes int(1e30) ("VERY_LARGE_INTEGER") when the model sets no limit.
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > (1ull << 32)) return std::nullopt;
  return static_cast<std::size_t>(v.get<std::uint64_t>());
}

// vocab.txt as transformers' load_vocab reads it: text mode (universal newlines: \n, \r\n
// and \r end a line), UTF-8, the line number is the id.
std::vector<std::pair<std::string, std::int32_t>> read_vocab_lines(const fs::path& file) {
  const std::string text = read_file(file);
  std::vector<std::pair<std::string, std::int32_t>> vocab;
  std::size_t start = 0;
  std::int64_t line = 1;
  const auto add = [&](std::size_t end) {
    const std::string_view token(text.data() + start, end - start);
    for (std::size_t pos = 0; pos < token.size();) {
      char32_t cp = 0;
      const std::size_t len = unicode::decode_utf8(token, pos, cp);
      if (cp == unicode::kReplacementChar && token.substr(pos, len) != "\xEF\xBF\xBD") {
        throw input_error("not valid UTF-8", {.file = file.string(), .line = line});
      }
      pos += len;
    }
    if (vocab.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      throw input_error("too many lines", {.file = file.string(), .line = line});
    }
    vocab.emplace_back(std::string(token), static_cast<std::int32_t>(vocab.size()));
    ++line;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      add(i);
      start = i + 1;
    } else if (text[i] == '\r') {
      add(i);
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) add(text.size());
  if (vocab.empty()) throw input_error("the vocabulary is empty", {.file = file.string()});
  return vocab;
}

// The id of `token`: an added token's, else the vocabulary's (a later line wins), else a new
// id after everything (what transformers' add_tokens gives a special token the vocabulary
// lacks).
std::int32_t id_of(const std::string& token, TokenizerParts& parts, std::int32_t& next_id) {
  for (const AddedToken& t : parts.added_tokens) {
    if (t.content == token) return t.id;
  }
  std::int32_t found = -1;
  for (const auto& [text, id] : parts.vocab) {
    if (text == token) found = id;
  }
  return found >= 0 ? found : next_id++;
}

// A configuration file and its parsed content; special_tokens_map.json comes first.
struct ConfigSource {
  const json* content;
  const fs::path* file;
};

std::int32_t lookup(const TokenizerParts& parts, const std::string& token) {
  for (const AddedToken& t : parts.added_tokens) {
    if (t.content == token) return t.id;
  }
  std::int32_t found = -1;
  for (const auto& [text, id] : parts.vocab) {
    if (text == token) found = id;
  }
  return found;
}

}  // namespace

TokenizerParts read_vocab_txt_folder(const fs::path& model_dir) {
  const fs::path vocab_file = model_dir / "vocab.txt";
  std::error_code ec;
  if (!fs::is_regular_file(vocab_file, ec)) {
    throw not_found_error("no vocab.txt in the model folder", {.file = vocab_file.string()});
  }
  const fs::path config_file = model_dir / "tokenizer_config.json";
  const fs::path map_file = model_dir / "special_tokens_map.json";
  const json config = read_optional_json(config_file);
  const json special_map = read_optional_json(map_file);

  TokenizerParts parts;
  parts.source = vocab_file.string();
  parts.vocab = read_vocab_lines(vocab_file);
  parts.model_max_length = model_max_length(config);

  // BertTokenizer's defaults, then tokenizer_config.json.
  NormalizerOptions n;
  n.lowercase = flag(config, "do_lower_case", true, config_file);
  n.handle_chinese_chars = flag(config, "tokenize_chinese_chars", true, config_file);
  if (config.is_object() && config.contains("strip_accents") && !config["strip_accents"].is_null()) {
    n.strip_accents = flag(config, "strip_accents", false, config_file);
  }
  if (!flag(config, "do_basic_tokenize", true, config_file)) {
    throw input_error("do_basic_tokenize false is not supported", {.file = config_file.string(), .field = "do_basic_tokenize"});
  }
  if (!flag(config, "do_split_on_punc", true, config_file)) {
    throw input_error("do_split_on_punc false is not supported", {.file = config_file.string(), .field = "do_split_on_punc"});
  }
  if (config.is_object() && config.contains("never_split") && !config["never_split"].is_null() &&
      !(config["never_split"].is_array() && config["never_split"].empty())) {
    throw input_error("never_split is not supported", {.file = config_file.string(), .field = "never_split"});
  }
  parts.normalizer = n;

  // added_tokens_decoder (transformers ≥ 4.34) gives ids and flags.
  std::int32_t next_id = static_cast<std::int32_t>(parts.vocab.size());
  if (config.is_object() && config.contains("added_tokens_decoder")) {
    const json& decoder = config["added_tokens_decoder"];
    if (!decoder.is_object()) throw input_error("must be an object", {.file = config_file.string(), .field = "added_tokens_decoder"});
    for (const auto& [key, value] : decoder.items()) {
      const std::string field = "added_tokens_decoder." + key;
      std::size_t used = 0;
      long long id = -1;
      try {
        id = std::stoll(key, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != key.size() || id < 0 || id > std::numeric_limits<std::int32_t>::max()) {
        throw input_error("the key must be a token id", {.file = config_file.string(), .field = field});
      }
      std::optional<AddedToken> t = token_value(value, config_file, field);
      if (!t) throw input_error("must be a token object", {.file = config_file.string(), .field = field});
      t->id = static_cast<std::int32_t>(id);
      next_id = std::max(next_id, t->id + 1);
      parts.added_tokens.push_back(*t);
    }
  }
  // Legacy added_tokens.json: {"token": id}.
  const fs::path added_file = model_dir / "added_tokens.json";
  const json added = read_optional_json(added_file);
  if (added.is_object()) {
    for (const auto& [token, id] : added.items()) {
      if (!id.is_number_unsigned() || id.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
        throw input_error("must be a token id", {.file = added_file.string(), .field = token});
      }
      if (lookup(parts, token) >= 0 || token.empty()) continue;
      AddedToken t{.content = token, .id = static_cast<std::int32_t>(id.get<std::uint64_t>()), .special = false, .normalized = true};
      next_id = std::max(next_id, t.id + 1);
      parts.added_tokens.push_back(t);
    }
  }

  // The special tokens: special_tokens_map.json wins over tokenizer_config.json.
  const auto special = [&](const char* key, const char* fallback) -> std::string {
    for (const ConfigSource& src : {ConfigSource{&special_map, &map_file}, ConfigSource{&config, &config_file}}) {
      if (src.content->is_object() && src.content->contains(key)) {
        if (std::optional<AddedToken> t = token_value((*src.content)[key], *src.file, key)) return t->content;
      }
    }
    return fallback;
  };
  std::vector<std::string> specials = {special("unk_token", "[UNK]"), special("sep_token", "[SEP]"),
                                       special("pad_token", "[PAD]"), special("cls_token", "[CLS]"),
                                       special("mask_token", "[MASK]")};
  for (const ConfigSource& src : {ConfigSource{&special_map, &map_file}, ConfigSource{&config, &config_file}}) {
    if (!src.content->is_object() || !src.content->contains("additional_special_tokens")) continue;
    const json& list = (*src.content)["additional_special_tokens"];
    if (!list.is_array()) throw input_error("must be an array", {.file = src.file->string(), .field = "additional_special_tokens"});
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (auto t = token_value(list[i], *src.file, "additional_special_tokens[" + std::to_string(i) + "]")) specials.push_back(t->content);
    }
    break;
  }
  for (const std::string& s : specials) {
    if (lookup(parts, s) >= 0 && std::any_of(parts.added_tokens.begin(), parts.added_tokens.end(),
                                             [&](const AddedToken& t) { return t.content == s; })) {
      continue;
    }
    const std::int32_t id = id_of(s, parts, next_id);
    parts.added_tokens.push_back(AddedToken{.content = s, .id = id, .special = true, .normalized = false});
  }

  parts.wordpiece.unk_token = specials[0];
  parts.post_processor = PostProcessor::bert(lookup(parts, specials[3]), lookup(parts, specials[1]));
  parts.pad_id = lookup(parts, specials[2]);
  return parts;
}

void add_folder_special_tokens(const fs::path& model_dir, TokenizerParts& parts) {
  const fs::path config_file = model_dir / "tokenizer_config.json";
  const fs::path map_file = model_dir / "special_tokens_map.json";
  const json config = read_optional_json(config_file);
  const json special_map = read_optional_json(map_file);
  if (!parts.model_max_length) parts.model_max_length = model_max_length(config);
  if (parts.pad_id) return;
  for (const ConfigSource& src : {ConfigSource{&special_map, &map_file}, ConfigSource{&config, &config_file}}) {
    if (!src.content->is_object() || !src.content->contains("pad_token")) continue;
    if (std::optional<AddedToken> t = token_value((*src.content)["pad_token"], *src.file, "pad_token")) {
      const std::int32_t id = lookup(parts, t->content);
      if (id >= 0) parts.pad_id = id;
    }
    return;
  }
}

}  // namespace molt::tokenizer
