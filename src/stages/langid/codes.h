// Language codes: CLD2's legacy codes to BCP-47, hints to detector languages, script subtags.
#pragma once

#include <string>
#include <string_view>

namespace newsflow::langid {

// BCP-47 for a CLD2 code: iw→he, jw→jv, in→id, no→nb (CLD2's Norwegian is trained on Bokmål and
// Nynorsk is separate), mo→ro, zh-Hant kept, "un" and the script-only "xx-*" codes → "und".
std::string_view bcp47_from_cld2(std::string_view cld2);

// Inverse for hints: the CLD2 code to look up for a BCP-47 tag's primary subtag (he→iw, nb→no...).
std::string_view cld2_from_bcp47(std::string_view primary);

// Primary language subtag, lower-cased into `out` ("de-1901" → "de", "zh-Hant" → "zh").
std::string primary_subtag(std::string_view tag);

// Languages commonly written in two scripts, where the code gains a script subtag
// (sr → sr-Cyrl / sr-Latn). Returns nullptr when the language needs none.
struct ScriptPair {
  std::string_view lang;
  std::string_view a;  // script subtag when the text is mostly in script A
  std::string_view b;
};
const ScriptPair* script_pair(std::string_view bcp47);

}  // namespace newsflow::langid
