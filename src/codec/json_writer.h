// Minimal streaming JSON writer that always emits valid UTF-8 JSON: strings are escaped and any
// malformed UTF-8 is replaced by U+FFFD. Commas are inserted automatically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view s);
  JsonWriter& number(int64_t v);
  JsonWriter& number(double v);  // non-finite values are written as null
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Inserts an already-valid JSON value verbatim.
  JsonWriter& raw(std::string_view json);

  // Appends the escaped contents of s (without quotes) to out.
  static void escape(std::string& out, std::string_view s);

 private:
  void before_value();

  std::string& out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace newsflow
