// The alphabets of languages (their non-ASCII letters, from CLDR's exemplar characters; see
// scripts/make_exemplars.py): a text full of letters outside the alphabet of CLD2's answer (Kurmanji
// ê î û called Turkish) is worth a second look even when CLD2 calls itself reliable.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::langid {

class Exemplars {
 public:
  // `lang<TAB>letters` lines, `#` comments. Throws std::runtime_error on a missing or bad file.
  static Exemplars load(const std::string& path);

  struct Count {
    size_t letters = 0;  // letters of the text (combining marks not counted)
    size_t foreign = 0;  // non-ASCII ones outside the language's alphabet
  };
  // Letters of `text` and how many are foreign to `lang`; `known` false when no alphabet is listed.
  Count count(std::string_view lang, std::string_view text, bool* known) const;

 private:
  std::map<std::string, std::vector<char32_t>, std::less<>> letters_;  // sorted per language
};

}  // namespace newsflow::langid
