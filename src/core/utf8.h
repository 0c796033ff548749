// Small UTF-8 helpers shared by the codec and the stages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow::utf8 {

// True when `s` is well-formed UTF-8 (SIMD-accelerated).
bool valid(std::string_view s);

// Decode one code point at s[i]; advances i. Returns U+FFFD on malformed input (advancing one byte).
char32_t next(std::string_view s, size_t& i);

// Append the UTF-8 encoding of cp.
void append(std::string& out, char32_t cp);

}  // namespace newsflow::utf8
