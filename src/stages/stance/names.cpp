#include "stages/stance/names.h"

#include <algorithm>

namespace newsflow::stance {
namespace {

// Capitalised at the start of a sentence, never part of a name: "And Australia said".
const std::vector<uint64_t>& sentence_openers() {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> h;
    for (const char* w : {"and", "but", "or", "so", "yet", "then", "also", "now", "meanwhile", "however", "still",
                          "when", "while", "if", "as", "in", "on", "at", "for", "with", "after", "before", "since",
                          "this", "that", "there", "here", "yesterday", "today", "earlier", "later", "und", "aber",
                          "doch", "auch", "dann", "nun", "et", "mais", "puis", "pero", "maar", "ook", "ale", "ma",
                          "mas", "il"})
      h.push_back(word_hash(w));
    std::sort(h.begin(), h.end());
    return h;
  }();
  return v;
}

const std::vector<uint64_t>& particles() {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> h;
    for (const char* w : {"van", "von", "der", "den", "de", "da", "das", "do", "dos", "del", "della", "di", "du",
                          "la", "le", "ten", "ter", "bin", "ibn", "al", "el", "zu", "af", "y"})
      h.push_back(word_hash(w));
    std::sort(h.begin(), h.end());
    return h;
  }();
  return v;
}

bool capital_word(const Word& w) { return (w.flags & kWord) && (w.flags & kCapital) && !(w.flags & kNumber); }

}  // namespace

bool is_acronym(std::string_view text, const Word& w) {
  return (w.flags & kWord) && (w.flags & kAllUpper) && w.end - w.start >= 2 && text[w.start] != '\'' &&
         !(w.flags & kNumber);
}

namespace {

// "Halvenslebens Verteidiger …", "Britain's …": a possessive right before a title.
bool possessive(std::string_view text, const Word& w) {
  const std::string_view s = text.substr(w.start, w.end - w.start);
  return s.ends_with("'s") || s.ends_with("’s");
}

}  // namespace

namespace {
// Head nouns of descriptions that name an organisation rather than a person.
const std::vector<uint64_t>& org_nouns() {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> h;
    for (const char* w :
         {"company", "firm", "group", "government", "ministry", "court", "agency", "bank", "police", "union",
          "party", "club", "team", "council", "committee", "commission", "authority", "operator", "association",
          "federation", "statement", "report", "carmaker", "retailer", "airline", "insurer", "lender", "regulator",
          "unternehmen", "konzern", "firma", "regierung", "ministerium", "gericht", "behörde", "société",
          "entreprise", "groupe", "gouvernement", "ministère", "empresa", "compañía", "gobierno", "ministerio",
          "società", "azienda", "governo", "ministero", "bedrijf", "regering", "spółka", "firma", "rząd"})
      h.push_back(word_hash(w));
    std::sort(h.begin(), h.end());
    return h;
  }();
  return v;
}

// Nouns that stand for the organisation last named ("the company said").
const std::vector<uint64_t>& generic_org_nouns() {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> h;
    for (const char* w : {"company", "firm", "group", "carmaker", "retailer", "airline", "insurer", "lender",
                          "unternehmen", "konzern", "firma", "société", "entreprise", "groupe", "empresa", "compañía",
                          "società", "azienda", "bedrijf", "spółka"})
      h.push_back(word_hash(w));
    std::sort(h.begin(), h.end());
    return h;
  }();
  return v;
}
}  // namespace

bool is_org_noun(uint64_t h) { return std::binary_search(org_nouns().begin(), org_nouns().end(), h); }
bool is_generic_org_noun(uint64_t h) {
  return std::binary_search(generic_org_nouns().begin(), generic_org_nouns().end(), h);
}

bool is_title_word(std::string_view text, const Word& w, const LanguageProfile& lp) {
  if (!(w.flags & kWord)) return false;
  std::string_view s = text.substr(w.start, w.end - w.start);
  if (s.ends_with('.')) {  // "Mr.", "Dr."
    s.remove_suffix(1);
    if (lp.is_title(word_hash(s))) return true;
  } else if (lp.is_title(w.hash)) {
    return true;
  }
  if ((w.flags & kCapital) && s.size() >= 8 && lp.has_title_suffix(s)) return true;  // "Finanzminister"
  const size_t dash = s.rfind('-');  // "Under-Secretary", "Ex-Minister"
  return dash != std::string_view::npos && dash + 1 < s.size() && lp.is_title(word_hash(s.substr(dash + 1)));
}

bool is_name_particle(const Word& w) {
  return (w.flags & kWord) && !(w.flags & kCapital) && std::binary_search(particles().begin(), particles().end(), w.hash);
}

NameRange name_run_forward(std::span<const Word> t, size_t i, size_t limit) {
  NameRange r{i, i, 0};
  limit = std::min(limit, t.size());
  size_t k = i;
  while (k < limit) {
    if (capital_word(t[k])) {
      ++r.words;
      r.last = ++k;
      continue;
    }
    // A particle joins a given name to a family name: "Maria das Graças", "Erik van Dijk" (but
    // not "Erik Postma van Team Zuiderzee").
    if (r.words == 1 && is_name_particle(t[k])) {
      size_t j = k;
      while (j < limit && j < k + 2 && is_name_particle(t[j])) ++j;
      if (j < limit && capital_word(t[j])) {
        k = j;
        continue;
      }
    }
    break;
  }
  return r;
}

NameRange name_run_backward(std::span<const Word> t, size_t end) {
  NameRange r{end, end, 0};
  size_t k = end;
  while (k > 0) {
    if (capital_word(t[k - 1])) {
      ++r.words;
      r.first = --k;
      continue;
    }
    if (r.words == 1 && k >= 2 && is_name_particle(t[k - 1])) {
      size_t j = k - 1;
      while (j > 0 && j + 2 >= k && is_name_particle(t[j - 1])) --j;
      if (j > 0 && capital_word(t[j - 1]) && (j < 2 || !capital_word(t[j - 2]))) {
        k = j;
        continue;
      }
    }
    break;
  }
  return r;
}

NameRange strip_titles(std::string_view text, std::span<const Word> t, NameRange r, const LanguageProfile& lp) {
  // Leading determiners ("The", "Der") first, then everything up to the last title or acronym
  // that still leaves a name word after it ("Martin Luther King" keeps its "King").
  while (r.first < r.last && (t[r.first].flags & kCapital) &&
         (lp.is_determiner(t[r.first].hash) ||
          std::binary_search(sentence_openers().begin(), sentence_openers().end(), t[r.first].hash)))
    ++r.first;
  // One pass from the right: the last title/acronym/possessive with a name word after it.
  size_t cut = r.first;
  bool name_after = false;
  for (size_t k = r.last; k-- > r.first;) {
    const bool title = is_title_word(text, t[k], lp) || is_acronym(text, t[k]);
    if ((title || (possessive(text, t[k]) && k + 1 < r.last)) && name_after) {
      cut = k + 1;
      break;
    }
    name_after |= capital_word(t[k]) && !title;
  }
  r.first = cut;
  while (r.first < r.last && is_name_particle(t[r.first])) ++r.first;
  // "Chancellor of the Exchequer Gordon Brown", "Minister of Finance Ana Lopez": after a title
  // and "of (the)", the first capitalised word is the rest of the title.
  if (r.first == cut && r.last - r.first == 3 && r.first >= 2) {
    size_t k = r.first - 1;
    if (lp.is_determiner(t[k].hash) && k > 0) --k;
    static const uint64_t of = word_hash("of"), de = word_hash("de"), del = word_hash("del");
    if ((t[k].hash == of || t[k].hash == de || t[k].hash == del) && k > 0 && is_title_word(text, t[k - 1], lp))
      ++r.first;
  }
  r.words = 0;
  for (size_t k = r.first; k < r.last; ++k) r.words += capital_word(t[k]);
  if (r.words == 0) r.last = r.first;
  return r;
}

std::string clean_name(std::string_view name, const LanguageProfile& lp) {
  thread_local std::vector<Word> t;
  t.clear();
  tokenize(name, t);
  const NameRange r = strip_titles(name, t, NameRange{0, t.size(), 0}, lp);
  if (r.empty() || (r.first == 0 && r.last == t.size())) return std::string(name);
  return std::string(name.substr(t[r.first].start, t[r.last - 1].end - t[r.first].start));
}

void PersonNames::add(std::string_view name) {
  std::vector<Word>& t = scratch_;
  t.clear();
  tokenize(name, t);
  size_t words = 0;
  for (const Word& w : t) words += (w.flags & kWord) ? 1 : 0;
  if (words < 2 || !(t.back().flags & kWord)) return;
  for (const Known& k : names_)
    if (k.name == name) return;
  names_.push_back(Known{std::string(name), t.back().hash, t.front().hash});
}

bool PersonNames::knows_surname(uint64_t h) const {
  return std::any_of(names_.begin(), names_.end(), [&](const Known& k) { return k.last == h; });
}

std::string PersonNames::full_name(std::string_view name) const {
  std::vector<Word>& t = scratch_;
  t.clear();
  tokenize(name, t);
  if (t.empty()) return std::string(name);
  const uint64_t last = t.back().hash, first = t.front().hash;
  const bool single = t.size() == 1;
  const Known* best = nullptr;
  for (const Known& k : names_) {
    if (k.last != last || (!single && k.first != first)) continue;
    if (!best || k.name.size() > best->name.size()) best = &k;
  }
  return best && best->name.size() >= name.size() ? best->name : std::string(name);
}

}  // namespace newsflow::stance
