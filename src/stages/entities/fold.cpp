#include "stages/entities/fold.h"

#include <utf8proc.h>
#include <xxhash.h>

#include "core/utf8.h"

namespace newsflow::entities {

namespace {
// Rewrites `s` into `out`: ASCII lower-cased inline (the fast path: most of the text), every other
// code point through `map(cp, out)`.
template <typename Map>
void map_code_points(std::string_view s, std::string& out, Map map) {
  out.clear();
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    map(utf8::next(s, i), out);
  }
}
}  // namespace

void lower(std::string_view s, std::string& out) {
  map_code_points(s, out, [](char32_t cp, std::string& o) {
    utf8::append(o, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
  });
}

void fold(std::string_view s, std::string& out) {
  map_code_points(s, out, [](char32_t cp, std::string& o) {
    // Decompose, drop marks, casefold: é -> e, ß -> ss.
    utf8proc_int32_t buf[8];
    int opts = UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
    int last = 0;
    const auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8,
                                           static_cast<utf8proc_option_t>(opts), &last);
    if (n <= 0 || n > 8) {
      utf8::append(o, cp);
      return;
    }
    for (int k = 0; k < n; ++k) {
      char32_t c = static_cast<char32_t>(buf[k]);
      if (c == 0x0142) c = 'l';       // ł has no decomposition
      else if (c == 0x00F8) c = 'o';  // ø
      else if (c == 0x0111) c = 'd';  // đ
      else if (c == 0x2019) c = '\'';
      utf8::append(o, c);
    }
  });
}

uint64_t hash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

}  // namespace newsflow::entities
