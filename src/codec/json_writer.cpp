#include "codec/json_writer.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "core/utf8.h"

namespace newsflow {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void escape_ascii_run(std::string& out, std::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

void JsonWriter::escape(std::string& out, std::string_view s) {
  if (utf8::valid(s)) {
    escape_ascii_run(out, s);
    return;
  }
  // Rare path: rebuild the string with U+FFFD for every malformed sequence.
  std::string clean;
  clean.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t before = i;
    const char32_t cp = utf8::next(s, i);
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    const bool overlong = (i - before == 2 && cp < 0x80) || (i - before == 3 && cp < 0x800) || (i - before == 4 && cp < 0x10000);
    if (surrogate || overlong || cp > 0x10FFFF) {
      utf8::append(clean, 0xFFFD);
    } else {
      utf8::append(clean, cp);
    }
  }
  escape_ascii_run(out, clean);
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += '"';
  escape(out_, k);
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  before_value();
  out_ += '"';
  escape(out_, s);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::number(int64_t v) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  return *this;
}

JsonWriter& JsonWriter::number(double v) {
  before_value();
  if (!std::isfinite(v)) {
    out_ += "null";
  } else {
    // Six significant digits: plenty for scores and similarities, and compact.
    fmt::format_to(std::back_inserter(out_), "{:.6g}", v);
  }
  return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

}  // namespace newsflow
