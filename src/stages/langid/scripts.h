// Counting letters by script: the script subtag of two-script languages (sr-Cyrl / sr-Latn), the
// close-pair group to consult, and a fallback for scripts CLD2 does not know (lower-case Cherokee).
#pragma once

#include <string_view>

namespace newsflow::langid {

// ISO 15924 code of the script with the most letters in `text` among Latn, Cyrl, Arab, Mong and
// Cher; empty when none of them occurs.
std::string_view main_script(std::string_view text);

// Of the two codes (e.g. "Cyrl", "Latn"), the one with more letters in `text` (ties go to `a`).
std::string_view dominant_script(std::string_view text, std::string_view a, std::string_view b);

}  // namespace newsflow::langid
