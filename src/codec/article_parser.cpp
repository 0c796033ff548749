#include "codec/article_parser.h"

#include <fmt/format.h>

#include <cstring>

#include "core/utf8.h"

namespace newsflow {
namespace {

Error parse_error(ErrorCode code, std::string message) { return Error{code, "parse", std::move(message)}; }

// A known optional field: string, null or absent. Anything else is wrong_type.
std::optional<Error> read_text_field(simdjson::dom::element value, std::string_view key, size_t max_bytes,
                                     std::string& out) {
  if (value.is_null()) {  // a repeated key: the last one wins, as for any JSON reader downstream
    out.clear();
    return std::nullopt;
  }
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) {
    return parse_error(ErrorCode::wrong_type, fmt::format("field '{}' must be a string or null", key));
  }
  if (s.size() > max_bytes) {
    return parse_error(ErrorCode::field_too_long, fmt::format("field '{}' has {} bytes (limit {})", key, s.size(), max_bytes));
  }
  out.assign(s);
  return std::nullopt;
}

}  // namespace

ArticleParser::ArticleParser(Limits limits) : limits_(limits) {
  // Depth is enforced by simdjson itself; capacity grows on demand up to the message limit.
  if (parser_.allocate(64 * 1024, limits_.max_depth) != simdjson::SUCCESS) throw std::bad_alloc();
}

std::optional<Error> ArticleParser::parse(Article& a) {
  const auto& value = a.record.value;
  if (!value) return parse_error(ErrorCode::tombstone, "record has a null value (tombstone)");
  const std::string& v = *value;
  if (v.empty()) return parse_error(ErrorCode::empty_message, "empty message");
  if (v.size() > limits_.max_message_bytes) {
    return parse_error(ErrorCode::too_large, fmt::format("message has {} bytes (limit {})", v.size(), limits_.max_message_bytes));
  }
  if (v.size() >= 3 && std::memcmp(v.data(), "\xEF\xBB\xBF", 3) == 0) {
    return parse_error(ErrorCode::bom, "message starts with a UTF-8 byte order mark");
  }
  if (std::memchr(v.data(), '\0', v.size()) != nullptr) return parse_error(ErrorCode::nul_byte, "message contains a NUL byte");
  if (!utf8::valid(v)) return parse_error(ErrorCode::invalid_utf8, "message is not valid UTF-8");

  if (parser_.capacity() < v.size()) {
    if (parser_.allocate(v.size(), limits_.max_depth) != simdjson::SUCCESS) {
      return parse_error(ErrorCode::too_large, "cannot allocate parser buffers");
    }
  }
  // The source reserves SIMDJSON_PADDING spare bytes so simdjson can read in place; otherwise it copies.
  const bool padded = v.capacity() >= v.size() + simdjson::SIMDJSON_PADDING;
  simdjson::dom::element root;
  const auto err = parser_.parse(reinterpret_cast<const uint8_t*>(v.data()), v.size(), !padded).get(root);
  if (err == simdjson::DEPTH_ERROR) {
    return parse_error(ErrorCode::too_deep, fmt::format("nesting deeper than {}", limits_.max_depth));
  }
  if (err == simdjson::UTF8_ERROR) return parse_error(ErrorCode::invalid_utf8, "invalid UTF-8 in JSON text");
  if (err == simdjson::NUMBER_ERROR) {  // 1e400, 18446744073709551616 are valid JSON, but unreadable here
    return parse_error(ErrorCode::malformed_json,
                       "malformed JSON: a number that is invalid or outside the 64-bit integer / double range");
  }
  if (err) return parse_error(ErrorCode::malformed_json, fmt::format("malformed JSON: {}", simdjson::error_message(err)));

  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return parse_error(ErrorCode::not_object, "JSON value is not an object");
  }

  bool has_id = false;
  for (auto field : obj) {
    const std::string_view key = field.key;
    std::string* target = nullptr;
    if (key == "id") {
      std::string_view id;
      if (field.value.get_string().get(id) != simdjson::SUCCESS) {
        if (field.value.is_null()) {  // last occurrence wins (see read_text_field)
          a.id.clear();
          has_id = false;
          continue;
        }
        return parse_error(ErrorCode::wrong_type, "field 'id' must be a string");
      }
      if (id.size() > limits_.max_field_bytes) return parse_error(ErrorCode::field_too_long, "field 'id' is too long");
      a.id.assign(id);
      has_id = !a.id.empty();
      continue;
    }
    if (key == "title") target = &a.title;
    else if (key == "body") target = &a.body;
    else if (key == "url") target = &a.url;
    else if (key == "source") target = &a.source;
    else if (key == "published_at") target = &a.published_at;
    else if (key == "language") target = &a.language_hint;
    else if (key == "newsflow") return parse_error(ErrorCode::reserved_field, "input already has a 'newsflow' member");
    if (target == nullptr) continue;  // unknown fields pass through untouched in the raw value
    if (auto e = read_text_field(field.value, key, limits_.max_field_bytes, *target)) return e;
  }
  if (!has_id) return parse_error(ErrorCode::missing_id, "missing or empty 'id'");
  if (a.title.empty() && a.body.empty()) return parse_error(ErrorCode::empty_content, "both 'title' and 'body' are empty");
  return std::nullopt;
}

}  // namespace newsflow
