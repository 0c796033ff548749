// Who said each quote. Looks for a speech verb or an "according to" phrase right after the quote
// (", Scholz said" / ", said Tom Ashcroft" / ", according to X"), then in the words before it in
// the same sentence ("Scholz said:" / "X said the company ... 'deeply regrets'"), then in a
// paragraph ending with a colon just before a quote paragraph, and finally falls back to the
// speaker of the previous quote in the same paragraph. Pronouns ("she added"), subject-less verbs
// ("dijo") and descriptions ("the French leader") are resolved to a person entity.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "stages/stance/languages.h"
#include "stages/stance/names.h"
#include "stages/stance/quotes.h"

namespace newsflow::stance {

// An entity mention in the text being attributed, sorted by start.
struct MentionRef {
  uint32_t start = 0, end = 0;
  uint32_t entity = 0;  // index into the caller's entity list (or beyond it: a person the caller found itself)
  bool person = false;
  bool organisation = false;
};

struct Attribution {
  int entity = -1;  // -1: no entity (unattributed, or a name written in the text: name_start/name_end)
  uint32_t span_start = 0, span_end = 0;  // the words naming the speaker (mention, pronoun, description)
  uint32_t name_start = 0, name_end = 0;  // a person's name as written, titles stripped (empty: see entity)
  bool person = false;
  bool direct = false;    // found by a pattern in the quote's own sentence
  bool has_span = true;   // false when no word names the speaker ("«…», dijo.")
};

class Attributor {
 public:
  explicit Attributor(const LanguageProfile& profile);
  // One Attribution per quote, in order. mentions must be sorted by start; names are the article's
  // known full names (a one-word name counts as a person when it is the surname of one of them).
  void attribute(std::string_view text, std::span<const QuoteSpan> quotes, std::span<const MentionRef> mentions,
                 const PersonNames& names, std::vector<Attribution>& out) const;

 private:
  struct Ctx;
  bool from_tail(Ctx& c, size_t qi, Attribution& a) const;
  bool from_head(Ctx& c, size_t qi, uint32_t head_start, uint32_t head_end, Attribution& a) const;
  bool analyse(Ctx& c, size_t qi, uint32_t b, uint32_t e, bool tail, Attribution& a) const;
  Attribution resolve_pronoun(const Ctx& c, uint32_t pos) const;
  Attribution resolve_description(const Ctx& c, uint32_t b, uint32_t e, uint32_t pos) const;
  bool name_speaker(const Ctx& c, const std::vector<Word>& t, NameRange r, Attribution& a) const;
  bool full_name_elsewhere(const Ctx& c, uint32_t b, uint32_t e, uint32_t& nb, uint32_t& ne) const;

  const LanguageProfile& lp_;
  const std::vector<uint64_t>& indefinite_;  // sorted hashes
};

}  // namespace newsflow::stance
