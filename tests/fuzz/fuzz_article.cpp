// Fuzz target: the article parser (src/codec/article_parser.*) and the writers fed by it.
// Property: any input either yields a parse error, or an Article whose strings are valid UTF-8
// and within the limits, whose serialise → parse round trip gives the same fields, and whose
// enriched output is a JSON object carrying those fields plus "newsflow". A dead letter is valid
// JSON whose value_base64 decodes to the original bytes.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/article_parser.h"
#include "codec/article_writer.h"
#include "codec/json_writer.h"
#include "core/utf8.h"
#include "fuzz_check.h"

using namespace newsflow;

namespace {

// Small limits so the fuzzer reaches every limit check with short inputs.
constexpr Limits kLimits{.max_message_bytes = 64 * 1024, .max_depth = 16, .max_field_bytes = 4096};

struct Fields {
  std::string_view id, title, body, url, source, published_at, language;
};
Fields fields(const Article& a) { return {a.id, a.title, a.body, a.url, a.source, a.published_at, a.language_hint}; }
bool same(const Fields& x, const Fields& y) {
  return x.id == y.id && x.title == y.title && x.body == y.body && x.url == y.url && x.source == y.source &&
         x.published_at == y.published_at && x.language == y.language;
}

std::string serialise(const Article& a) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("id").string(a.id).key("title").string(a.title).key("body").string(a.body).key("url").string(a.url);
  w.key("source").string(a.source).key("published_at").string(a.published_at).key("language").string(a.language_hint);
  w.end_object();
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=') {
        ++pad;
        n <<= 6;
        continue;
      }
      const int v = val(c);
      if (v < 0 || pad) return std::nullopt;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

void check_dead_letter(const Article& a) {
  std::string out;
  write_dead_letter(a, out);
  static simdjson::dom::parser json;
  simdjson::dom::element root;
  FUZZ_CHECK(json.parse(out).get(root) == simdjson::SUCCESS);
  std::string_view code, b64;
  FUZZ_CHECK(root["error"]["code"].get_string().get(code) == simdjson::SUCCESS && !code.empty());
  if (a.record.value) {
    FUZZ_CHECK(root["value_base64"].get_string().get(b64) == simdjson::SUCCESS);
    const auto bytes = base64_decode(b64);
    FUZZ_CHECK(bytes && *bytes == *a.record.value);
  }
}

void check_enriched(const Article& a) {
  std::string out;
  write_enriched(a, out);
  static simdjson::dom::parser json;  // default depth 1024: input depth (<= 16) + annotations
  simdjson::dom::object obj;
  FUZZ_CHECK(json.parse(out).get(obj) == simdjson::SUCCESS);
  // Known fields: the last occurrence wins, as in the parser; "newsflow" comes last.
  Article seen;
  std::string_view last_key;
  for (auto field : obj) {
    last_key = field.key;
    std::string* target = nullptr;
    if (field.key == "id") target = &seen.id;
    else if (field.key == "title") target = &seen.title;
    else if (field.key == "body") target = &seen.body;
    else if (field.key == "url") target = &seen.url;
    else if (field.key == "source") target = &seen.source;
    else if (field.key == "published_at") target = &seen.published_at;
    else if (field.key == "language") target = &seen.language_hint;
    if (!target) continue;
    std::string_view s;
    if (field.value.get_string().get(s) == simdjson::SUCCESS) *target = std::string(s);
    else target->clear();  // null
  }
  FUZZ_CHECK(last_key == "newsflow");
  FUZZ_CHECK(same(fields(seen), fields(a)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ArticleParser parser(kLimits);
  static ArticleParser roundtrip(Limits{.max_message_bytes = 1u << 30, .max_depth = 16, .max_field_bytes = 4096});

  Article a;
  a.record.value = std::string(reinterpret_cast<const char*>(data), size);
  if (auto err = parser.parse(a)) {
    FUZZ_CHECK(err->stage == "parse" && !err->message.empty());
    a.route = Route::dead_letter;
    a.error = std::move(err);
    check_dead_letter(a);
    return 0;
  }
  FUZZ_CHECK(size <= kLimits.max_message_bytes);
  FUZZ_CHECK(!a.id.empty() && (!a.title.empty() || !a.body.empty()));
  for (std::string_view s : {a.id, a.title, a.body, a.url, a.source, a.published_at, a.language_hint}) {
    FUZZ_CHECK(s.size() <= kLimits.max_field_bytes);
    FUZZ_CHECK(utf8::valid(s));
  }

  Article b;
  b.record.value = serialise(a);
  const auto err = roundtrip.parse(b);
  FUZZ_CHECK(!err);
  FUZZ_CHECK(same(fields(a), fields(b)));

  check_enriched(a);
  return 0;
}
