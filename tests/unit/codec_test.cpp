#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "codec/article_parser.h"
#include "codec/article_writer.h"
#include "codec/json_writer.h"
#include "core/utf8.h"

using namespace newsflow;

namespace {

Article make(std::optional<std::string> value) {
  Article a;
  a.record.value = std::move(value);
  return a;
}

std::optional<ErrorCode> parse_code(const std::string& value, Limits limits = {}) {
  ArticleParser parser(limits);
  Article a = make(value);
  auto err = parser.parse(a);
  if (!err) return std::nullopt;
  EXPECT_EQ(err->stage, "parse");
  EXPECT_FALSE(err->message.empty());
  return err->code;
}

}  // namespace

TEST(ArticleParser, ParsesKnownFieldsAndKeepsUnknownOnes) {
  ArticleParser parser;
  Article a = make(R"({"id":"a1","title":"T","body":"B","url":"https://x","source":"S","published_at":null,"language":"de","extra":{"k":[1,2]}})");
  ASSERT_FALSE(parser.parse(a).has_value());
  EXPECT_EQ(a.id, "a1");
  EXPECT_EQ(a.title, "T");
  EXPECT_EQ(a.body, "B");
  EXPECT_EQ(a.url, "https://x");
  EXPECT_EQ(a.source, "S");
  EXPECT_EQ(a.published_at, "");
  EXPECT_EQ(a.language_hint, "de");
}

TEST(ArticleParser, AcceptsTitleOnlyAndBodyOnly) {
  EXPECT_EQ(parse_code(R"({"id":"a","title":"only a title"})"), std::nullopt);
  EXPECT_EQ(parse_code(R"({"id":"a","body":"only a body","title":null})"), std::nullopt);
}

TEST(ArticleParser, NumbersOutsideTheReadableRangeAreDeadLettersThatSaySo) {
  // Largest readable integer and a normal double pass; 2^64, 1e400 and a leading zero do not.
  EXPECT_EQ(parse_code(R"({"id":"a","title":"t","n":18446744073709551615,"x":-1.5e300})"), std::nullopt);
  for (const char* v : {R"({"id":"a","title":"t","n":18446744073709551616})", R"({"id":"a","title":"t","n":1e400})",
                        R"({"id":"a","title":"t","n":01})"}) {
    ArticleParser parser(Limits{});
    Article a = make(std::string(v));
    const auto err = parser.parse(a);
    ASSERT_TRUE(err.has_value()) << v;
    EXPECT_EQ(err->code, ErrorCode::malformed_json) << v;
    EXPECT_NE(err->message.find("64-bit integer / double range"), std::string::npos) << err->message;
  }
}

TEST(ArticleParser, RejectsEveryBadClassWithItsCode) {
  EXPECT_EQ(parse_code(""), ErrorCode::empty_message);
  EXPECT_EQ(parse_code("\xEF\xBB\xBF{\"id\":\"a\",\"title\":\"t\"}"), ErrorCode::bom);
  EXPECT_EQ(parse_code(std::string("{\"id\":\"a\",\"title\":\"t\0\"}", 22)), ErrorCode::nul_byte);
  EXPECT_EQ(parse_code("{\"id\":\"a\",\"title\":\"\xC3\x28\"}"), ErrorCode::invalid_utf8);
  EXPECT_EQ(parse_code("\x89PNG\r\n\x1a\n\x00\x00"), ErrorCode::invalid_utf8);
  EXPECT_EQ(parse_code(R"({"id":"a","title":"t")"), ErrorCode::malformed_json);
  EXPECT_EQ(parse_code(R"({"id":"a","title":"t"} trailing)"), ErrorCode::malformed_json);
  EXPECT_EQ(parse_code(std::string(2000, '[') + std::string(2000, ']')), ErrorCode::too_deep);
  EXPECT_EQ(parse_code(R"(["id","a"])"), ErrorCode::not_object);
  EXPECT_EQ(parse_code(R"("just a string")"), ErrorCode::not_object);
  EXPECT_EQ(parse_code(R"({"title":"t","body":"b"})"), ErrorCode::missing_id);
  EXPECT_EQ(parse_code(R"({"id":"","title":"t"})"), ErrorCode::missing_id);
  EXPECT_EQ(parse_code(R"({"id":7,"title":"t"})"), ErrorCode::wrong_type);
  EXPECT_EQ(parse_code(R"({"id":"a","title":["t"]})"), ErrorCode::wrong_type);
  EXPECT_EQ(parse_code(R"({"id":"a","title":"","body":""})"), ErrorCode::empty_content);
  EXPECT_EQ(parse_code(R"({"id":"a"})"), ErrorCode::empty_content);
  EXPECT_EQ(parse_code(R"({"id":"a","title":"t","newsflow":{}})"), ErrorCode::reserved_field);
}

TEST(ArticleParser, EnforcesConfiguredLimits) {
  Limits small;
  small.max_message_bytes = 64;
  EXPECT_EQ(parse_code(R"({"id":"a","title":")" + std::string(100, 'x') + "\"}", small), ErrorCode::too_large);
  Limits shallow;
  shallow.max_depth = 3;
  EXPECT_EQ(parse_code(R"({"id":"a","title":"t","x":{"y":{"z":{}}}})", shallow), ErrorCode::too_deep);
  Limits short_fields;
  short_fields.max_field_bytes = 4;
  EXPECT_EQ(parse_code(R"({"id":"a","title":"longer than four"})", short_fields), ErrorCode::field_too_long);
}

TEST(ArticleParser, TombstoneIsADeadLetter) {
  ArticleParser parser;
  Article a = make(std::nullopt);
  auto err = parser.parse(a);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, ErrorCode::tombstone);
}

TEST(ArticleParser, ParserIsReusableAfterErrors) {
  ArticleParser parser;
  for (int i = 0; i < 3; ++i) {
    Article bad = make("{oops");
    EXPECT_TRUE(parser.parse(bad).has_value());
    Article good = make(R"({"id":"g","body":"fine"})");
    EXPECT_FALSE(parser.parse(good).has_value());
  }
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  std::string out;
  JsonWriter::escape(out, std::string("a\"b\\c\n\t\x01", 8));
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\t\\u0001");
}

TEST(JsonWriter, ReplacesInvalidUtf8SoOutputIsAlwaysValid) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("k").string("ok \xC3\x28 \xED\xA0\x80 end \xF0\x9F\x98\x80").end_object();
  EXPECT_TRUE(utf8::valid(out));
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(out).get(doc), simdjson::SUCCESS);
  std::string_view k;
  ASSERT_EQ(doc["k"].get_string().get(k), simdjson::SUCCESS);
  EXPECT_NE(k.find("\xEF\xBF\xBD"), std::string_view::npos);  // U+FFFD
  EXPECT_NE(k.find("\xF0\x9F\x98\x80"), std::string_view::npos);  // the valid emoji survives
}

TEST(ArticleWriter, RoundTripKeepsInputAndAddsAnnotations) {
  ArticleParser parser;
  Article a = make(R"({"id":"r1","title":"Tïtle \"quoted\"","body":"Body","extra":{"n":1.5,"list":[true,null]}}  )");
  a.record.position.file = "in.jsonl";
  a.record.position.line = 3;
  ASSERT_FALSE(parser.parse(a).has_value());
  a.language = LanguageInfo{"en", 0.97, true, {{"en", 0.9}, {"fr", 0.1}}};
  Entity e;
  e.text = "Tïtle";
  e.type = "ORG";
  e.canonical = "Tïtle";
  e.mentions.push_back(Span{Field::title, 0, 6});
  e.count = 1;
  e.sentiment = Sentiment{Polarity::positive, 0.5, 0.8};
  a.entities.push_back(e);
  a.entities_done = true;
  std::string out;
  write_enriched(a, out);

  Article again = make(out);
  auto err = parser.parse(again);
  ASSERT_TRUE(err.has_value());  // output has a "newsflow" member: re-ingesting it is refused
  EXPECT_EQ(err->code, ErrorCode::reserved_field);

  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(out).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["title"]), "Tïtle \"quoted\"");
  EXPECT_EQ(double(doc["extra"]["n"]), 1.5);
  EXPECT_EQ(std::string_view(doc["newsflow"]["version"]), "1");
  EXPECT_EQ(int64_t(doc["newsflow"]["input"]["line"]), 3);
  EXPECT_EQ(std::string_view(doc["newsflow"]["language"]["code"]), "en");
  EXPECT_EQ(std::string_view(doc["newsflow"]["entities"].at(0)["sentiment"]["polarity"]), "positive");
  EXPECT_EQ(int64_t(doc["newsflow"]["entities"].at(0)["mentions"].at(0)["end"]), 6);
}

TEST(ArticleWriter, DeadLetterKeepsOriginalBytes) {
  const std::string original = "\xEF\xBB\xBF{\"id\":\"x\"}\xFF";
  Article a = make(original);
  a.route = Route::dead_letter;
  a.error = Error{ErrorCode::bom, "parse", "message starts with a UTF-8 byte order mark"};
  a.record.position.file = "f.jsonl";
  a.record.position.line = 9;
  std::string out;
  write_dead_letter(a, out);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(out).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["error"]["code"]), "bom");
  EXPECT_EQ(std::string_view(doc["value_base64"]), base64_encode(original));
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}
