#include "molt/server/embed_body.h"

#include <algorithm>
#include <limits>

#include "molt/base/error.h"

namespace molt::server {
namespace {

using json = nlohmann::json;

// SAX events of nlohmann's parser, turned into an EmbedBody as they arrive. Depth 1 is the
// body object; the inputs field's array is depth 2 and its token arrays depth 3.
class EmbedBodyReader final : public nlohmann::json_sax<json> {
 public:
  EmbedBodyReader(std::string_view inputs_key, std::span<const std::string_view> known_fields,
                  std::size_t max_inputs)
      : inputs_key_(inputs_key), known_fields_(known_fields), max_inputs_(max_inputs) {}

  EmbedBody take() { return std::move(body_); }

  bool null() override {
    if (state_ == State::kField) {
      next_key();  // null is the same as absent
      return true;
    }
    return scalar(json());
  }
  bool boolean(bool v) override { return scalar(json(v)); }
  bool number_integer(number_integer_t v) override {
    if (state_ == State::kInputs || state_ == State::kTokens) {
      if (v < 0) bad_token_id(std::to_string(v));
      return token_id(static_cast<std::uint64_t>(v));
    }
    return scalar(json(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (state_ == State::kInputs || state_ == State::kTokens) return token_id(v);
    return scalar(json(v));
  }
  bool number_float(number_float_t v, const string_t& text) override {
    if (state_ == State::kInputs || state_ == State::kTokens) bad_token_id(text);
    return scalar(json(v));
  }
  bool string(string_t& v) override {
    if (state_ == State::kInputs) {
      if (flat_ids_) mixed();
      add_text(std::move(v), element_name());
      return true;
    }
    if (state_ == State::kTokens) bad_token_id("a string");
    if (state_ == State::kField && is_inputs_key()) {
      add_text(std::move(v), std::string(inputs_key_));
      body_.single = true;
      next_key();
      return true;
    }
    return scalar(json(std::move(v)));
  }
  bool binary(binary_t&) override { return scalar(json()); }  // not produced by JSON text

  bool start_object(std::size_t) override {
    switch (state_) {
      case State::kStart:
        state_ = State::kObject;
        return true;
      case State::kField:
        if (is_inputs_key()) inputs_type_error(std::string(inputs_key_), "an object");
        keep_placeholder(json::object());
        skip();
        return true;
      case State::kInputs:
        element_type_error("an object");
      case State::kTokens:
        bad_token_id("an object");
      case State::kSkip:
        ++skip_depth_;
        return true;
      case State::kObject:
      case State::kDone:
        break;
    }
    return false;
  }
  bool key(string_t& k) override {
    if (state_ == State::kSkip) return true;
    key_ = std::move(k);
    if (is_inputs_key() ? body_.has_inputs || seen_inputs_ : body_.fields.contains(key_)) {
      throw input_error("field '" + key_ + "' appears twice", {.field = key_});
    }
    state_ = State::kField;
    return true;
  }
  bool end_object() override {
    if (state_ == State::kSkip) return leave_skipped();
    state_ = State::kDone;
    return true;
  }
  bool start_array(std::size_t) override {
    switch (state_) {
      case State::kStart:
        throw input_error("the request body must be a JSON object, not an array");
      case State::kField:
        if (is_inputs_key()) {
          state_ = State::kInputs;
          seen_inputs_ = true;
          return true;
        }
        keep_placeholder(json::array());
        skip();
        return true;
      case State::kInputs:
        if (flat_ids_) mixed();
        state_ = State::kTokens;
        tokens_.clear();
        return true;
      case State::kTokens:
        bad_token_id("an array");
      case State::kSkip:
        ++skip_depth_;
        return true;
      case State::kObject:
      case State::kDone:
        break;
    }
    return false;
  }
  bool end_array() override {
    switch (state_) {
      case State::kTokens:
        if (tokens_.empty()) {
          throw input_error("an input must not be an empty array of token ids", {.field = element_name(false)});
        }
        add_input(std::move(tokens_));
        tokens_ = {};
        state_ = State::kInputs;
        return true;
      case State::kInputs:
        if (flat_ids_) {
          add_input(std::move(tokens_));
          tokens_ = {};
          body_.single = true;
        } else if (body_.inputs.empty()) {
          throw input_error("'" + std::string(inputs_key_) + "' must not be an empty array",
                            {.field = std::string(inputs_key_)});
        }
        body_.has_inputs = true;
        next_key();
        return true;
      case State::kSkip:
        return leave_skipped();
      default:
        break;
    }
    return false;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    // nlohmann's messages start with "[json.exception.parse_error.101] "; keep what follows.
    std::string what = e.what();
    if (const auto bracket = what.find("] "); what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
      what.erase(0, bracket + 2);
    }
    throw input_error("malformed JSON body: " + what, {.offset = position > 0 ? position - 1 : 0});
  }

 private:
  enum class State { kStart, kObject, kField, kInputs, kTokens, kSkip, kDone };

  bool is_inputs_key() const { return key_ == inputs_key_; }
  void next_key() { state_ = State::kObject; }

  bool scalar(json value) {
    switch (state_) {
      case State::kStart:
        throw input_error("the request body must be a JSON object, not " + type_of(value));
      case State::kField:
        if (is_inputs_key()) inputs_type_error(std::string(inputs_key_), type_of(value));
        if (is_known()) body_.fields[key_] = std::move(value);
        next_key();
        return true;
      case State::kInputs:
        element_type_error(type_of(value));
      case State::kTokens:
        bad_token_id(type_of(value));
      case State::kSkip:
        return true;
      case State::kObject:
      case State::kDone:
        break;
    }
    return false;
  }

  static std::string type_of(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_string()) return "a string";
    return "a number";
  }

  bool is_known() const {
    return std::find(known_fields_.begin(), known_fields_.end(), key_) != known_fields_.end();
  }
  void keep_placeholder(json value) {
    if (is_known()) body_.fields[key_] = std::move(value);
  }
  void skip() {
    state_ = State::kSkip;
    skip_depth_ = 1;
  }
  bool leave_skipped() {
    if (--skip_depth_ == 0) next_key();
    return true;
  }

  bool token_id(std::uint64_t v) {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      bad_token_id(std::to_string(v));
    }
    if (state_ == State::kInputs) {
      if (!body_.inputs.empty()) mixed();
      flat_ids_ = true;
    }
    tokens_.push_back(static_cast<std::int32_t>(v));
    return true;
  }

  void add_text(std::string text, const std::string& field) {
    if (text.empty()) throw input_error("an input must not be an empty string", {.field = field});
    add_input(std::move(text));
    body_.has_inputs = true;
  }
  void add_input(EmbedInput input) {
    if (body_.inputs.size() >= max_inputs_) {
      throw input_error("more than " + std::to_string(max_inputs_) +
                            " inputs in one request (the server's --max-inputs); split the request",
                        {.field = std::string(inputs_key_)});
    }
    body_.inputs.push_back(std::move(input));
  }

  // "input[3]" for the element being read, "input[3][7]" inside a token array (unless
  // `inner` is false).
  std::string element_name(bool inner = true) const {
    std::string name = std::string(inputs_key_);
    if (flat_ids_) return name + "[" + std::to_string(tokens_.size()) + "]";
    name += "[" + std::to_string(body_.inputs.size()) + "]";
    if (inner && state_ == State::kTokens) name += "[" + std::to_string(tokens_.size()) + "]";
    return name;
  }
  [[noreturn]] void bad_token_id(const std::string& got) {
    throw input_error("a token id must be an integer in [0, 2147483647], not " + got,
                      {.field = element_name()});
  }
  [[noreturn]] void element_type_error(const std::string& got) {
    throw input_error("each input must be a string or an array of token ids, not " + got,
                      {.field = element_name()});
  }
  [[noreturn]] void inputs_type_error(const std::string& name, const std::string& got) {
    throw input_error("'" + name + "' must be a string, an array of strings, an array of token ids "
                      "or an array of arrays of token ids, not " + got, {.field = name});
  }
  [[noreturn]] void mixed() {
    throw input_error("'" + std::string(inputs_key_) + "' mixes token ids with strings or arrays; "
                      "send one array of token ids, or an array whose elements are strings or arrays of token ids",
                      {.field = element_name()});
  }

  std::string_view inputs_key_;
  std::span<const std::string_view> known_fields_;
  std::size_t max_inputs_;
  EmbedBody body_;
  State state_ = State::kStart;
  std::string key_;
  bool seen_inputs_ = false;
  bool flat_ids_ = false;  // the inputs array is itself one array of token ids
  TokenIds tokens_;
  std::size_t skip_depth_ = 0;
};

}  // namespace

EmbedBody read_embed_body(std::string_view body, std::string_view inputs_key,
                          std::span<const std::string_view> known_fields, std::size_t max_inputs) {
  EmbedBodyReader reader(inputs_key, known_fields, max_inputs);
  json::sax_parse(body.begin(), body.end(), &reader);
  return reader.take();
}

}  // namespace molt::server
