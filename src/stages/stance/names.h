// Person names as written: a run of capitalised words, with name particles inside it ("Maria das
// Graças Souza", "Ursula von der Leyen"), stripped of the titles, roles and acronyms written before
// the name ("NATO Secretary General Mark Rutte" → "Mark Rutte", "prezes GMP Marek Sadowski" →
// "Marek Sadowski"). Attribution uses them to find speakers the entity tagger missed or typed
// wrongly; PersonNames links a surname ("Postma") to the full name written elsewhere ("Erik Postma").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stages/stance/languages.h"
#include "stages/stance/words.h"

namespace newsflow::stance {

// Head nouns of descriptions naming an organisation ("the company", "das Gericht"); generic ones
// ("company", "Konzern") stand for whichever organisation was named last.
bool is_org_noun(uint64_t word_hash);
bool is_generic_org_noun(uint64_t word_hash);

// A title or role word ("Minister", "Richterin", "Mr.", "Finanzminister").
bool is_title_word(std::string_view text, const Word& w, const LanguageProfile& lp);
// A lower-case word allowed inside a name between capitalised words ("van", "das", "von").
bool is_name_particle(const Word& w);
// An all-capitals word of two letters or more ("NATO", "GMP"): an organisation, not a name.
bool is_acronym(std::string_view text, const Word& w);

// Token range [first, last) of a name.
struct NameRange {
  size_t first = 0, last = 0;
  size_t words = 0;  // capitalised words in it (particles not counted)
  bool empty() const { return last <= first; }
};

// The capitalised run starting at t[i] (empty when t[i] is not a capitalised word), ending at
// limit at the latest.
NameRange name_run_forward(std::span<const Word> t, size_t i, size_t limit);
// The capitalised run ending just before t[end] (empty when t[end-1] is not capitalised).
NameRange name_run_backward(std::span<const Word> t, size_t end);
// The run without the titles and acronyms at its start (and a possessive word before them).
NameRange strip_titles(std::string_view text, std::span<const Word> t, NameRange r, const LanguageProfile& lp);

// Cleans a stored name ("Health Secretary Rebecca Hollis" → "Rebecca Hollis"); the name itself
// when nothing is left.
std::string clean_name(std::string_view name, const LanguageProfile& lp);

// The people of one article: full names (two words or more), looked up by their last word.
class PersonNames {
 public:
  void clear() { names_.clear(); }
  void add(std::string_view name);  // ignored unless it has two words or more
  bool knows_surname(uint64_t last_word_hash) const;
  // The longest known name with the same last word that contains name's first word; name itself
  // when none is known.
  std::string full_name(std::string_view name) const;

 private:
  struct Known {
    std::string name;
    uint64_t last = 0, first = 0;
  };
  std::vector<Known> names_;
  mutable std::vector<Word> scratch_;  // one PersonNames per thread (the stage's scratch)
};

}  // namespace newsflow::stance
