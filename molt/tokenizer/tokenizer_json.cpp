#include "molt/tokenizer/tokenizer_json.h"

#include <limits>
#include <map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::tokenizer {
namespace {

using nlohmann::json;

// tokenizer.json nests at most: root → post_processor → single → item → SpecialToken.
constexpr int kMaxDepth = 8;

std::string json_message(const std::exception& e) {
  const std::string_view what = e.what();
  const auto close = what.find("] ");
  return std::string(close == std::string_view::npos ? what : what.substr(close + 2));
}

json parse_json(std::string_view text, const std::string& source) {
  // Keys seen in each open object, to refuse a key given twice (nlohmann would keep one
  // silently, and two ids for one token would make the vocabulary ambiguous).
  std::vector<std::unordered_set<std::string>> open_objects;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxDepth) throw input_error("tokenizer.json nests deeper than any tokenizer", {.file = source});
        if (event == json::parse_event_t::object_start) open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!open_objects.back().insert(key).second) {
          throw input_error("the key \"" + key + "\" appears twice in one object", {.file = source});
        }
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    throw input_error("not valid JSON: " + json_message(e),
                      {.file = source, .offset = e.byte > 0 ? e.byte - 1 : 0});
  } catch (const json::exception& e) {
    throw input_error("not valid JSON: " + json_message(e), {.file = source});
  }
}

// Typed access to one object of the file, with the path of the field in every error, and a
// check that no field is left unread (an option molt would silently ignore).
class Fields {
 public:
  Fields(const json& object, std::string path, const std::string& source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object_.is_object()) fail(path_.empty() ? "the file must hold a JSON object" : "must be an object", path_);
  }

  [[noreturn]] void fail(const std::string& what, const std::string& field) const {
    throw input_error(what, {.file = source_, .field = field});
  }
  std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const json* find(const std::string& key) {
    read_.insert(key);
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  const json& require(const std::string& key) {
    const json* v = find(key);
    if (v == nullptr) fail("missing", field(key));
    return *v;
  }
  // A present, non-null value of the key; nullptr when missing or null.
  const json* optional(const std::string& key) {
    const json* v = find(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  std::string string(const std::string& key) {
    const json& v = require(key);
    if (!v.is_string()) fail("must be a string, got " + v.dump(), field(key));
    return v.get<std::string>();
  }
  bool boolean(const std::string& key, bool fallback) {
    const json* v = optional(key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) fail("must be true or false, got " + v->dump(), field(key));
    return v->get<bool>();
  }
  std::optional<bool> optional_boolean(const std::string& key) {
    const json* v = optional(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) fail("must be true, false or null, got " + v->dump(), field(key));
    return v->get<bool>();
  }
  std::uint64_t count(const std::string& key, std::uint64_t fallback, std::uint64_t max) {
    const json* v = optional(key);
    if (v == nullptr) return fallback;
    return as_count(*v, field(key), max);
  }
  std::uint64_t as_count(const json& v, const std::string& where, std::uint64_t max) const {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
      fail("must be an integer from 0 to " + std::to_string(max) + ", got " + v.dump(), where);
    }
    return v.get<std::uint64_t>();
  }
  // Every key of the object must have been read.
  void finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (!read_.count(key)) fail("unknown option (molt does not support it)", field(key));
    }
  }
  const std::string& path() const { return path_; }

 private:
  const json& object_;
  std::string path_;
  const std::string& source_;
  std::unordered_set<std::string> read_;
};

constexpr std::uint64_t kMaxId = std::numeric_limits<std::int32_t>::max();

std::string type_of(Fields& f, const char* component, const char* supported) {
  const json* t = f.find("type");
  if (t == nullptr || !t->is_string()) f.fail(std::string(component) + " has no \"type\" (molt supports " + supported + ")", f.field("type"));
  return t->get<std::string>();
}

void read_truncation(const json& v, const std::string& source, TokenizerParts& parts) {
  if (v.is_null()) return;
  Fields f(v, "truncation", source);
  TruncationParams t;
  t.max_length = f.count("max_length", 512, kMaxId);
  const std::string strategy = f.optional("strategy") ? f.string("strategy") : "LongestFirst";
  if (strategy == "LongestFirst") {
    t.strategy = TruncationStrategy::kLongestFirst;
  } else if (strategy == "OnlyFirst") {
    t.strategy = TruncationStrategy::kOnlyFirst;
  } else if (strategy == "OnlySecond") {
    t.strategy = TruncationStrategy::kOnlySecond;
  } else {
    f.fail("unknown truncation strategy \"" + strategy + "\" (LongestFirst, OnlyFirst or OnlySecond)", f.field("strategy"));
  }
  const std::string direction = f.optional("direction") ? f.string("direction") : "Right";
  if (direction == "Right") {
    t.direction = TruncationDirection::kRight;
  } else if (direction == "Left") {
    t.direction = TruncationDirection::kLeft;
  } else {
    f.fail("unknown truncation direction \"" + direction + "\" (Right or Left)", f.field("direction"));
  }
  // The stride shapes the overflowing pieces, which molt does not return.
  t.stride = f.count("stride", 0, kMaxId);
  f.finish();
  parts.truncation = t;
}

void read_padding(const json& v, const std::string& source, TokenizerParts& parts) {
  if (v.is_null()) return;
  // Padding is the runtime's business (it pads batches itself); only the pad id is kept,
  // but every field is checked.
  Fields f(v, "padding", source);
  if (const json* s = f.optional("strategy")) {
    const bool ok = (s->is_string() && *s == "BatchLongest") ||
                    (s->is_object() && s->size() == 1 && s->contains("Fixed") && (*s)["Fixed"].is_number_unsigned());
    if (!ok) f.fail("must be \"BatchLongest\" or {\"Fixed\": n}, got " + s->dump(), f.field("strategy"));
  }
  if (f.optional("direction")) {
    const std::string d = f.string("direction");
    if (d != "Right" && d != "Left") f.fail("unknown padding direction \"" + d + "\"", f.field("direction"));
  }
  f.count("pad_to_multiple_of", 0, kMaxId);
  parts.pad_id = static_cast<std::int32_t>(f.count("pad_id", 0, kMaxId));
  f.count("pad_type_id", 0, kMaxId);
  if (f.optional("pad_token")) f.string("pad_token");
  f.finish();
}

void read_added_tokens(const json& v, const std::string& source, TokenizerParts& parts) {
  if (v.is_null()) return;
  if (!v.is_array()) throw input_error("must be an array", {.file = source, .field = "added_tokens"});
  for (std::size_t i = 0; i < v.size(); ++i) {
    Fields f(v[i], "added_tokens[" + std::to_string(i) + "]", source);
    AddedToken t;
    t.id = static_cast<std::int32_t>(f.as_count(f.require("id"), f.field("id"), kMaxId));
    t.content = f.string("content");
    if (t.content.empty()) f.fail("an added token cannot be empty", f.field("content"));
    t.special = f.boolean("special", false);
    t.single_word = f.boolean("single_word", false);
    t.lstrip = f.boolean("lstrip", false);
    t.rstrip = f.boolean("rstrip", false);
    t.normalized = f.boolean("normalized", !t.special);
    f.finish();
    parts.added_tokens.push_back(std::move(t));
  }
}

void read_normalizer(const json& v, const std::string& source, TokenizerParts& parts) {
  if (v.is_null()) {
    parts.normalizer = NormalizerOptions{.enabled = false, .clean_text = false, .handle_chinese_chars = false,
                                         .strip_accents = false, .lowercase = false};
    return;
  }
  Fields f(v, "normalizer", source);
  const std::string type = type_of(f, "the normalizer", "BertNormalizer");
  if (type != "BertNormalizer") {
    f.fail("normalizer " + type + " is not supported (molt supports BertNormalizer)", f.field("type"));
  }
  NormalizerOptions n;
  n.clean_text = f.boolean("clean_text", true);
  n.handle_chinese_chars = f.boolean("handle_chinese_chars", true);
  n.strip_accents = f.optional_boolean("strip_accents");
  n.lowercase = f.boolean("lowercase", true);
  f.finish();
  parts.normalizer = n;
}

void read_pre_tokenizer(const json& v, const std::string& source) {
  if (v.is_null()) {
    throw input_error("a WordPiece tokenizer without a pre-tokenizer is not supported (molt supports BertPreTokenizer)",
                      {.file = source, .field = "pre_tokenizer"});
  }
  Fields f(v, "pre_tokenizer", source);
  const std::string type = type_of(f, "the pre-tokenizer", "BertPreTokenizer");
  if (type != "BertPreTokenizer") {
    f.fail("pre-tokenizer " + type + " is not supported (molt supports BertPreTokenizer)", f.field("type"));
  }
  f.finish();
}

void read_model(const json& v, const std::string& source, TokenizerParts& parts) {
  Fields f(v, "model", source);
  // Old files leave out the type; a WordPiece model is the one with continuing_subword_prefix.
  const json* t = f.find("type");
  std::string type;
  if (t != nullptr) {
    if (!t->is_string()) f.fail("must be a string", f.field("type"));
    type = t->get<std::string>();
  } else {
    type = v.contains("merges") ? "BPE" : v.contains("continuing_subword_prefix") ? "WordPiece" : "unknown";
  }
  if (type != "WordPiece") {
    f.fail("tokenizer model " + type + " is not supported (molt supports WordPiece)", f.field("type"));
  }
  WordPieceOptions w;
  w.unk_token = f.string("unk_token");
  w.continuing_subword_prefix = f.optional("continuing_subword_prefix") ? f.string("continuing_subword_prefix") : "##";
  w.max_input_chars_per_word = f.count("max_input_chars_per_word", 100, kMaxId);
  const json& vocab = f.require("vocab");
  if (!vocab.is_object()) f.fail("must be an object of token: id", f.field("vocab"));
  parts.vocab.reserve(vocab.size());
  std::vector<const std::string*> by_id;
  for (const auto& [token, id] : vocab.items()) {
    const std::uint64_t value = f.as_count(id, f.field("vocab") + "[\"" + token + "\"]", kMaxId);
    if (value >= 2 * vocab.size() + 1024) {
      f.fail("token id " + std::to_string(value) + " of \"" + token + "\" is far beyond the " +
                 std::to_string(vocab.size()) + " tokens",
             f.field("vocab"));
    }
    if (by_id.size() <= value) by_id.resize(value + 1, nullptr);
    if (by_id[value] != nullptr) {
      f.fail("id " + std::to_string(value) + " is given to both \"" + *by_id[value] + "\" and \"" + token + "\"",
             f.field("vocab"));
    }
    by_id[value] = &token;
    parts.vocab.emplace_back(token, static_cast<std::int32_t>(value));
  }
  f.finish();
  parts.wordpiece = std::move(w);
}

// BertProcessing / RobertaProcessing: "sep": [token, id], "cls": [token, id].
std::int32_t processor_token(Fields& f, const std::string& key) {
  const json& v = f.require(key);
  if (!v.is_array() || v.size() != 2 || !v[0].is_string()) f.fail("must be [token, id]", f.field(key));
  return static_cast<std::int32_t>(f.as_count(v[1], f.field(key) + "[1]", kMaxId));
}

std::vector<TemplateItem> read_template(const json& v, const std::string& field,
                                        const std::map<std::string, std::vector<std::int32_t>>& specials,
                                        const std::string& source) {
  if (!v.is_array()) throw input_error("must be an array", {.file = source, .field = field});
  std::vector<TemplateItem> items;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string item_field = field + "[" + std::to_string(i) + "]";
    const json& item = v[i];
    if (!item.is_object() || item.size() != 1) {
      throw input_error("must be {\"SpecialToken\": …} or {\"Sequence\": …}", {.file = source, .field = item_field});
    }
    // (Not a structured binding of *item.items().begin(): that proxy dies with the statement.)
    const std::string kind = item.begin().key();
    const json& body = item.begin().value();
    Fields f(body, item_field + "." + kind, source);
    TemplateItem t;
    t.type_id = static_cast<std::int32_t>(f.count("type_id", 0, kMaxId));
    const std::string id = f.string("id");
    if (kind == "SpecialToken") {
      const auto it = specials.find(id);
      if (it == specials.end()) f.fail("special token \"" + id + "\" is not in post_processor.special_tokens", f.field("id"));
      t.kind = TemplateItem::Kind::kSpecial;
      t.ids = it->second;
    } else if (kind == "Sequence") {
      if (id != "A" && id != "B") f.fail("sequence must be \"A\" or \"B\", got \"" + id + "\"", f.field("id"));
      t.kind = id == "A" ? TemplateItem::Kind::kSequenceA : TemplateItem::Kind::kSequenceB;
    } else {
      f.fail("unknown template piece " + kind, item_field);
    }
    f.finish();
    items.push_back(std::move(t));
  }
  return items;
}

void read_post_processor(const json& v, const std::string& source, TokenizerParts& parts) {
  if (v.is_null()) return;
  Fields f(v, "post_processor", source);
  const std::string type = type_of(f, "the post-processor", "TemplateProcessing, BertProcessing, RobertaProcessing");
  using Kind = TemplateItem::Kind;
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    const std::int32_t sep = processor_token(f, "sep");
    const std::int32_t cls = processor_token(f, "cls");
    if (type == "BertProcessing") {
      parts.post_processor = PostProcessor::bert(cls, sep);
    } else {
      // trim_offsets / add_prefix_space concern offsets and byte-level pre-tokenizers.
      f.boolean("trim_offsets", true);
      f.boolean("add_prefix_space", true);
      parts.post_processor.single = {{Kind::kSpecial, {cls}, 0}, {Kind::kSequenceA, {}, 0}, {Kind::kSpecial, {sep}, 0}};
      parts.post_processor.pair = {{Kind::kSpecial, {cls}, 0}, {Kind::kSequenceA, {}, 0},
                                   {Kind::kSpecial, {sep}, 0}, {Kind::kSpecial, {sep}, 0},
                                   {Kind::kSequenceB, {}, 0}, {Kind::kSpecial, {sep}, 0}};
    }
    f.finish();
    return;
  }
  if (type != "TemplateProcessing") {
    f.fail("post-processor " + type + " is not supported (molt supports TemplateProcessing, BertProcessing, RobertaProcessing)",
           f.field("type"));
  }
  std::map<std::string, std::vector<std::int32_t>> specials;
  const json& special_tokens = f.require("special_tokens");
  if (!special_tokens.is_object()) f.fail("must be an object", f.field("special_tokens"));
  for (const auto& [name, body] : special_tokens.items()) {
    Fields s(body, f.field("special_tokens") + "." + name, source);
    s.string("id");
    const json& ids = s.require("ids");
    if (!ids.is_array() || ids.empty()) s.fail("must be a non-empty array of ids", s.field("ids"));
    std::vector<std::int32_t> values;
    for (const json& id : ids) values.push_back(static_cast<std::int32_t>(s.as_count(id, s.field("ids"), kMaxId)));
    const json& tokens = s.require("tokens");
    if (!tokens.is_array() || tokens.size() != ids.size()) s.fail("must list one token per id", s.field("tokens"));
    for (const json& token : tokens) {
      if (!token.is_string()) s.fail("must be strings", s.field("tokens"));
    }
    s.finish();
    specials.emplace(name, std::move(values));
  }
  parts.post_processor.single = read_template(f.require("single"), f.field("single"), specials, source);
  parts.post_processor.pair = read_template(f.require("pair"), f.field("pair"), specials, source);
  f.finish();
}

}  // namespace

TokenizerParts parse_tokenizer_json(std::string_view text, const std::string& source) {
  const json root = parse_json(text, source);
  Fields f(root, "", source);
  TokenizerParts parts;
  parts.source = source;
  if (const json* version = f.optional("version")) {
    if (!version->is_string() || *version != "1.0") {
      f.fail("unsupported tokenizer.json version " + version->dump() + " (molt reads \"1.0\")", "version");
    }
  }
  if (const json* v = f.find("truncation")) read_truncation(*v, source, parts);
  if (const json* v = f.find("padding")) read_padding(*v, source, parts);
  if (const json* v = f.find("added_tokens")) read_added_tokens(*v, source, parts);
  const json* normalizer = f.find("normalizer");
  read_normalizer(normalizer != nullptr ? *normalizer : json(), source, parts);
  const json* pre_tokenizer = f.find("pre_tokenizer");
  read_pre_tokenizer(pre_tokenizer != nullptr ? *pre_tokenizer : json(), source);
  read_model(f.require("model"), source, parts);
  if (const json* v = f.find("post_processor")) read_post_processor(*v, source, parts);
  if (const json* v = f.find("decoder")) {
    if (!v->is_null() && !v->is_object()) f.fail("must be an object or null", "decoder");
  }
  f.finish();
  return parts;
}

TokenizerParts read_tokenizer_json(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  return parse_tokenizer_json(text, file.string());
}

}  // namespace molt::tokenizer
