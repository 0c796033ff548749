// Thin wrapper over CLD2 so the rest of the stage never includes its headers (they need <cstdio>
// first and pull in internal types). Thread-safe: CLD2 detection keeps no global mutable state.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::langid {

struct Cld2Result {
  std::array<int, 3> lang{};            // CLD2 Language enum values (26 = UNKNOWN_LANGUAGE)
  std::array<int, 3> percent{};         // share of text bytes, 0..100
  std::array<double, 3> score{};        // CLD2's normalized score per language
  int text_bytes = 0;                   // letters CLD2 actually scored
  bool reliable = false;
};

// Detect on plain UTF-8 text. `hint_lang` is a CLD2 Language (or -1 for none): a prior, not a verdict.
Cld2Result cld2_detect(std::string_view text, int hint_lang, bool best_effort);

// CLD2's own code for a Language ("iw", "zh-Hant", "xx-Latn", "un"...).
std::string_view cld2_code(int lang);
// CLD2 Language for a code or name, -1 when unknown.
int cld2_from_code(std::string_view code);
constexpr int kCld2Unknown = 26;

// Which quadgram tables are linked: "full" (libcld2_full took effect) or "default".
std::string_view cld2_tables();
// Primary CLD2 codes (raw, e.g. "iw") the linked tables can return: the quadgram table's list plus
// languages CLD2 recognises by script alone.
std::vector<std::string> cld2_recognized_codes();

}  // namespace newsflow::langid
