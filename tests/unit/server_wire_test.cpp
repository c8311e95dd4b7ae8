// Wire types of the server: request bodies (OpenAI, TEI), response bodies, the error map
// and error bodies, route patterns.
#include <array>
#include <cstring>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/base/error.h"
#include "molt/server/api_error.h"
#include "molt/server/embed_body.h"
#include "molt/server/float_base64.h"
#include "molt/server/http_route.h"
#include "molt/server/openai_wire.h"
#include "molt/server/tei_wire.h"

namespace molt::server {
namespace {

using nlohmann::json;

// Independent decoder: RFC 4648 base64 to bytes.
std::string base64_decode(const std::string& s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  std::uint32_t acc = 0;
  for (const char c : s) {
    if (c == '=') break;
    const int v = value(c);
    EXPECT_GE(v, 0) << "not base64: " << c;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// The field an input_error names, or "" when the call does not throw one.
template <typename Fn>
std::string failing_field(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
    return e.where().field.empty() ? "<none>" : e.where().field;
  }
  return "";
}

EmbeddingsRequest parse(const std::string& body) { return parse_embeddings_request(body, 2048); }

TEST(ServerWire, InputAsOneString) {
  const auto r = parse(R"({"input": "hello world", "model": "m"})");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_TRUE(r.single);
  EXPECT_EQ(std::get<std::string>(r.inputs[0]), "hello world");
  EXPECT_EQ(r.model, "m");
  EXPECT_EQ(r.encoding_format, EncodingFormat::kFloat);
  EXPECT_FALSE(r.dimensions.has_value());
}

TEST(ServerWire, InputAsArrayOfStrings) {
  const auto r = parse(R"({"model":"m","input":["a","b","c"],"encoding_format":"base64","dimensions":4,"user":"u"})");
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_FALSE(r.single);
  EXPECT_EQ(std::get<std::string>(r.inputs[2]), "c");
  EXPECT_EQ(r.encoding_format, EncodingFormat::kBase64);
  EXPECT_EQ(r.dimensions, 4u);
  EXPECT_EQ(r.user, "u");
}

TEST(ServerWire, InputAsTokenIds) {
  const auto r = parse(R"({"input":[101, 7592, 102]})");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_TRUE(r.single);
  EXPECT_EQ(std::get<TokenIds>(r.inputs[0]), (TokenIds{101, 7592, 102}));
}

TEST(ServerWire, InputAsArraysOfTokenIds) {
  const auto r = parse(R"({"input":[[1,2],[3],[4,5,6]]})");
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_EQ(std::get<TokenIds>(r.inputs[1]), (TokenIds{3}));
  EXPECT_EQ(std::get<TokenIds>(r.inputs[2]), (TokenIds{4, 5, 6}));
}

TEST(ServerWire, StringsAndTokenArraysMayMix) {
  const auto r = parse(R"({"input":["a",[1,2]]})");
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(std::get<std::string>(r.inputs[0]), "a");
  EXPECT_EQ(std::get<TokenIds>(r.inputs[1]), (TokenIds{1, 2}));
}

TEST(ServerWire, UnknownFieldsAreSkippedWhateverTheirShape) {
  const auto r = parse(R"({"extra":{"a":[1,{"b":[]}]},"input":"x","more":[["y"]],"n":null})");
  ASSERT_EQ(r.inputs.size(), 1u);
}

TEST(ServerWire, NullMeansAbsent) {
  const auto r = parse(R"({"input":"x","dimensions":null,"encoding_format":null,"model":null})");
  EXPECT_FALSE(r.dimensions.has_value());
  EXPECT_EQ(r.model, "");
}

TEST(ServerWire, BadRequestsNameTheField) {
  EXPECT_EQ(failing_field([] { parse(R"({"model":"m"})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":null})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[]})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":""})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":["a",""]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[[1],[]]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":42})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":{"text":"a"}})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":["a",3]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[1,"a"]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[1,[2]]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":["a",true]})"); }), "input[1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[[1,-2]]})"); }), "input[0][1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[[1,2.5]]})"); }), "input[0][1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[[1,"a"]]})"); }), "input[0][1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[[1,[2]]]})"); }), "input[0][1]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":[3000000000]})"); }), "input[0]");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","model":7})"); }), "model");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","model":["m"]})"); }), "model");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","dimensions":0})"); }), "dimensions");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","dimensions":-3})"); }), "dimensions");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","dimensions":2.5})"); }), "dimensions");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","dimensions":"8"})"); }), "dimensions");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","encoding_format":"int8"})"); }), "encoding_format");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","user":1})"); }), "user");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","input":"b"})"); }), "input");
  EXPECT_EQ(failing_field([] { parse(R"({"input":"a","model":"x","model":"y"})"); }), "model");
}

TEST(ServerWire, MalformedBodiesAreInputErrors) {
  for (const std::string body : {"", "{", "nul", "[\"a\"]", "\"input\"", "42", R"({"input":"a"} x)",
                                 R"({"input":"a",})", R"({'input':'a'})", R"({"input":"\x01"})",
                                 R"({"input":"\ud800"})", R"({"input":1e999})"}) {
    EXPECT_FALSE(failing_field([&] { parse(body); }).empty()) << body;
  }
  // Bytes that are not UTF-8 inside a string.
  EXPECT_FALSE(failing_field([] { parse("{\"input\":\"caf\xC3\"}"); }).empty());
  EXPECT_FALSE(failing_field([] { parse("{\"input\":\"\xFF\xFE\"}"); }).empty());
  EXPECT_FALSE(failing_field([] { parse("{\"input\":\"\xED\xA0\x80\"}"); }).empty());  // a surrogate
}

TEST(ServerWire, MalformedJsonSaysWhere) {
  try {
    parse(R"({"input": ["a", "b" "c"]})");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    ASSERT_TRUE(e.where().offset.has_value());
    EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos) << e.what();
  }
}

TEST(ServerWire, TooManyInputsIsRefusedWhileReading) {
  std::string body = R"({"input":[)";
  for (int i = 0; i < 5; ++i) body += std::string(i ? "," : "") + "\"t\"";
  body += "]}";
  EXPECT_EQ(parse_embeddings_request(body, 5).inputs.size(), 5u);
  EXPECT_EQ(failing_field([&] { parse_embeddings_request(body, 4); }), "input");
}

TEST(ServerWire, FloatResponseRoundTripsFloat32) {
  const std::vector<float> v = {0.1f, -1.5e-8f, 3.4028235e38f, 1.0f / 3.0f, -0.0f, 7.0f};
  const json j = json::parse(embeddings_response_body("m", v, 3, EncodingFormat::kFloat, 12));
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["usage"]["prompt_tokens"], 12);
  EXPECT_EQ(j["usage"]["total_tokens"], 12);
  ASSERT_EQ(j["data"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(j["data"][i]["object"], "embedding");
    EXPECT_EQ(j["data"][i]["index"], i);
    ASSERT_EQ(j["data"][i]["embedding"].size(), 3u);
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_EQ(static_cast<float>(j["data"][i]["embedding"][d].get<double>()), v[i * 3 + d]);
    }
  }
}

TEST(ServerWire, Base64ResponseIsLittleEndianFloat32) {
  const std::vector<float> v = {1.0f, -2.0f, 0.5f, 3.25f, 1e-3f};
  const json j = json::parse(embeddings_response_body("m", v, 5, EncodingFormat::kBase64, 3));
  const std::string bytes = base64_decode(j["data"][0]["embedding"].get<std::string>());
  ASSERT_EQ(bytes.size(), 20u);
  // 1.0f is 0x3F800000: bytes 00 00 80 3F in little-endian order.
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x00\x00\x80\x3F", 4));
  std::vector<float> back(5);
  std::memcpy(back.data(), bytes.data(), 20);
  EXPECT_EQ(back, v);
}

TEST(ServerWire, Base64OfEveryPaddingLength) {
  // 1, 2 and 3 floats give 4, 8 and 12 bytes: padding "==", "=" and none.
  for (std::size_t n = 1; n <= 3; ++n) {
    std::vector<float> v(n, 0.0f);
    std::string out;
    append_base64_floats(out, v);
    EXPECT_EQ(out.size(), (n * 4 + 2) / 3 * 4);
    EXPECT_EQ(base64_decode(out).size(), n * 4);
  }
  std::string known;
  append_base64_floats(known, std::vector<float>{1.0f});
  EXPECT_EQ(known, "AACAPw==");  // base64 of 00 00 80 3F
}

TEST(ServerWire, ModelsListing) {
  const std::vector<ModelListing> models = {{"a", 384, 256, "bert", "abc", {"query"}}, {"b/c", 768, 512, "bert", "def", {}}};
  const json j = json::parse(models_list_body(models));
  EXPECT_EQ(j["object"], "list");
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][1]["id"], "b/c");
  EXPECT_EQ(j["data"][1]["object"], "model");
  EXPECT_EQ(j["data"][0]["dimensions"], 384);
  EXPECT_EQ(json::parse(model_body(models[0]))["prompt_names"][0], "query");
}

TEST(ServerWire, TeiEmbedRequest) {
  const auto r = parse_tei_embed_request(
      R"({"inputs":["a","b"],"normalize":false,"truncate":true,"prompt_name":"query","dimensions":4,"truncation_direction":"Right"})",
      100);
  EXPECT_EQ(r.inputs.size(), 2u);
  EXPECT_FALSE(r.normalize);
  EXPECT_EQ(r.truncate, true);
  EXPECT_EQ(r.prompt_name, "query");
  EXPECT_EQ(r.dimensions, 4u);
  const auto d = parse_tei_embed_request(R"({"inputs":"x"})", 100);
  EXPECT_TRUE(d.normalize);
  EXPECT_FALSE(d.truncate.has_value());
  EXPECT_TRUE(d.single);
  EXPECT_EQ(failing_field([] { parse_tei_embed_request(R"({"input":"x"})", 100); }), "inputs");
  EXPECT_EQ(failing_field([] { parse_tei_embed_request(R"({"inputs":"x","normalize":"yes"})", 100); }), "normalize");
  EXPECT_EQ(failing_field([] { parse_tei_embed_request(R"({"inputs":"x","truncation_direction":"Left"})", 100); }),
            "truncation_direction");
}

TEST(ServerWire, TeiTokenizeRequestTakesTextsOnly) {
  const auto r = parse_tei_tokenize_request(R"({"inputs":["a b"],"add_special_tokens":false})", 100);
  EXPECT_EQ(r.inputs, std::vector<std::string>{"a b"});
  EXPECT_FALSE(r.add_special_tokens);
  EXPECT_EQ(failing_field([] { parse_tei_tokenize_request(R"({"inputs":[1,2]})", 100); }), "inputs");
  EXPECT_EQ(failing_field([] { parse_tei_tokenize_request(R"({"inputs":["a",[1,2]]})", 100); }), "inputs[1]");
}

TEST(ServerWire, TeiResponses) {
  const std::vector<float> v = {1, 2, 3, 4};
  EXPECT_EQ(json::parse(tei_embed_response_body(v, 2)), json::parse("[[1,2],[3,4]]"));
  const std::vector<std::vector<Token>> tokens = {{{101, "[CLS]", true, std::nullopt, std::nullopt}, {7, "hi", false, 0, 2}}};
  const json t = json::parse(tei_tokenize_response_body(tokens));
  EXPECT_EQ(t[0][0]["special"], true);
  EXPECT_TRUE(t[0][0]["start"].is_null());
  EXPECT_EQ(t[0][1]["text"], "hi");
  EXPECT_EQ(t[0][1]["stop"], 2);
}

TEST(ServerWire, ErrorMapAndBody) {
  EXPECT_EQ(api_error(input_error("x", {.field = "input[2]"})).status, 400);
  EXPECT_EQ(api_error(input_error("x", {.field = "input[2]"})).param, "input[2]");
  EXPECT_EQ(api_error(usage_error("x")).status, 400);
  EXPECT_EQ(api_error(not_found_error("x", {.field = "model"})).code, "model_not_found");
  EXPECT_EQ(api_error(not_found_error("x")).status, 404);
  EXPECT_EQ(api_error(conflict_error("x")).status, 409);
  const ApiError busy = api_error(Error(ErrorKind::kOverloaded, "busy"), 7);
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.retry_after_s, 7);
  EXPECT_EQ(api_error(Error(ErrorKind::kOverloaded, "busy"), 0).retry_after_s, 1);
  EXPECT_EQ(api_error(io_error("x")).status, 500);
  EXPECT_EQ(api_error(internal_error("x")).status, 500);
  EXPECT_EQ(unauthorized_error().status, 401);
  EXPECT_EQ(payload_too_large_error(10).status, 413);

  const json j = json::parse(error_body(api_error(input_error("bad", {.field = "input"}))));
  EXPECT_EQ(j["error"]["message"], "bad (field input)");
  EXPECT_EQ(j["error"]["type"], "invalid_request_error");
  EXPECT_EQ(j["error"]["param"], "input");
  EXPECT_EQ(j["error"]["code"], "invalid_value");
  const json none = json::parse(error_body(api_error(internal_error("boom"))));
  EXPECT_TRUE(none["error"]["param"].is_null());
  EXPECT_TRUE(none["error"]["code"].is_null());
}

TEST(ServerWire, ErrorBodiesStayValidJsonWhateverTheyQuote) {
  const std::string nasty = std::string("\xFF\xC3(\"\\\n\x01") + std::string(5000, 'z');
  const ApiError e = route_not_found_error("GET", nasty);
  const json j = json::parse(error_body(e));  // throws if not valid JSON / UTF-8
  EXPECT_LT(j["error"]["message"].get<std::string>().size(), 400u);
  EXPECT_EQ(printable("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(printable("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong form of '/'
  EXPECT_EQ(printable("h\xC3\xA9llo"), "h\xC3\xA9llo");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

TEST(ServerWire, RoutePatterns) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(match_route("/v1/embeddings", "/v1/embeddings", &p));
  EXPECT_FALSE(match_route("/v1/embeddings", "/v1/embeddings/x", &p));
  EXPECT_TRUE(match_route("/v1/collections/{name}/documents/{id}", "/v1/collections/kb/documents/a%2Fb", &p));
  EXPECT_EQ(p["name"], "kb");
  EXPECT_EQ(p["id"], "a/b");
  EXPECT_FALSE(match_route("/v1/collections/{name}", "/v1/collections/", &p));
  EXPECT_TRUE(match_route("/v1/models/{id*}", "/v1/models/BAAI/bge-small-en-v1.5", &p));
  EXPECT_EQ(p["id"], "BAAI/bge-small-en-v1.5");
  EXPECT_FALSE(match_route("/v1/models/{id*}", "/v1/models", &p));
  EXPECT_THROW(percent_decode("a%2"), Error);
  EXPECT_THROW(percent_decode("a%zz"), Error);
  EXPECT_EQ(percent_decode("a%20b+c"), "a b+c");
}

}  // namespace
}  // namespace molt::server
