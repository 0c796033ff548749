// Per-language knowledge for quote attribution: speech verbs, "according to" phrases, personal
// pronouns and determiners that open a description ("the finance minister"). Adding a language
// = adding one table in languages.cpp. Quote marks are recognised for every language at once
// (quotes.cpp), since pairs such as „…“ or «…» are unambiguous.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace newsflow::stance {

struct LanguageProfile {
  std::string_view code;                  // ISO 639-1, "*" for the union of all
  std::vector<uint64_t> speech_verbs;     // word hashes, sorted
  std::vector<uint64_t> pronouns;         // personal pronouns that can be a speaker
  std::vector<uint64_t> determiners;      // open a description: "the", "der", "le", ...
  std::vector<std::vector<uint64_t>> according_to;  // phrases: {"according","to"}, {"selon"}
  std::vector<uint64_t> speaker_after;    // words followed by the speaker: "aldus" (nl)
  // Titles and roles written before a name ("Interior Minister", "Richterin", "prezes"): stripped
  // from a speaker's name and used to find people the entity tagger missed. Compounds ending in a
  // title ("Finanzminister", "Regierungssprecher") count through title_suffixes.
  std::vector<uint64_t> titles;
  std::vector<std::string_view> title_suffixes;

  bool is_title(uint64_t h) const;
  bool has_title_suffix(std::string_view lower_word) const;

  bool is_speech_verb(uint64_t h) const;
  bool is_pronoun(uint64_t h) const;
  bool is_determiner(uint64_t h) const;
  bool is_speaker_after(uint64_t h) const;
};

// The profile for a language code ("en", "de-AT", ...); the union of all when unknown or empty.
const LanguageProfile& profile_for(std::string_view lang);

}  // namespace newsflow::stance
