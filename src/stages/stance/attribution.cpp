#include "stages/stance/attribution.h"

#include <algorithm>

#include "stages/stance/words.h"

namespace newsflow::stance {

struct Attributor::Ctx {
  std::string_view text;
  std::span<const QuoteSpan> quotes;
  std::span<const MentionRef> mentions;
  const PersonNames& names;
  std::vector<Attribution>& out;
  std::vector<Word> toks;  // scratch
  mutable std::vector<Word> scratch;  // for full_name_elsewhere
};

namespace {

constexpr size_t kTailVerbWindow = 8;   // tokens after the closing mark to find the verb in
constexpr size_t kAfterVerbWindow = 10; // tokens after a verb to find an inverted speaker in
constexpr uint32_t kMaxRegion = 400;    // bytes of context either side

bool inside_quote(std::span<const QuoteSpan> qs, uint32_t pos) {
  auto it = std::upper_bound(qs.begin(), qs.end(), pos, [](uint32_t p, const QuoteSpan& q) { return p < q.open; });
  return it != qs.begin() && pos < std::prev(it)->close;
}

// Start of the paragraph containing pos.
uint32_t paragraph_start(std::string_view s, uint32_t pos) {
  size_t i = pos;
  while (i > 0) {
    if (s[i - 1] == '\n') {
      size_t j = i - 1;
      while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\r')) --j;
      if (j > 0 && s[j - 1] == '\n') return static_cast<uint32_t>(i);
    }
    --i;
  }
  return 0;
}

// First paragraph break at or after pos (or the end).
uint32_t paragraph_end(std::string_view s, uint32_t pos) {
  for (size_t i = pos; i < s.size(); ++i) {
    if (s[i] != '\n') continue;
    size_t j = i + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) ++j;
    if (j < s.size() && s[j] == '\n') return static_cast<uint32_t>(i);
  }
  return static_cast<uint32_t>(s.size());
}

const MentionRef* mention_at(std::span<const MentionRef> ms, uint32_t b, uint32_t e) {
  // A mention overlapping [b, e).
  auto it = std::partition_point(ms.begin(), ms.end(), [&](const MentionRef& m) { return m.end <= b; });
  if (it != ms.end() && it->start < e) return &*it;
  return nullptr;
}

}  // namespace

namespace {
// Indefinite articles: "a spokesman said" names nobody in particular.
const std::vector<uint64_t>& indefinite_articles() {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> h;
    for (const char* w : {"a", "an", "un", "une", "ein", "eine", "einer", "einem", "uno", "una", "um", "uma", "een"})
      h.push_back(word_hash(w));
    std::sort(h.begin(), h.end());
    return h;
  }();
  return v;
}
}  // namespace


Attributor::Attributor(const LanguageProfile& profile) : lp_(profile), indefinite_(indefinite_articles()) {}

namespace {
// No sentence boundary in text[b, e).
bool same_sentence(std::string_view text, uint32_t b, uint32_t e) {
  for (uint32_t i = b; i + 1 < e && i + 1 < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n' || ((ch == '.' || ch == '!' || ch == '?') && text[i + 1] == ' ')) return false;
  }
  return true;
}

Attribution from_mention(const MentionRef& m) {
  Attribution a;
  a.entity = static_cast<int>(m.entity);
  a.person = m.person;
  a.span_start = a.name_start = m.start;
  a.span_end = a.name_end = m.end;
  return a;
}
}  // namespace

Attribution Attributor::resolve_pronoun(const Ctx& c, uint32_t pos) const {
  // The closest earlier person: a mention outside quotes or an earlier quote's resolved speaker.
  // A speaker in focus beats another person named in the sentence that attributed it
  // ("According to Paweł Zieliński of Orzeł Brokers, … “…”, the analyst said").
  const MentionRef* mention = nullptr;
  for (const MentionRef& m : c.mentions) {
    if (m.start >= pos) break;
    if (!m.person || inside_quote(c.quotes, m.start)) continue;
    if (!mention || m.start >= mention->start) mention = &m;
  }
  const Attribution* speaker = nullptr;
  for (const Attribution& a : c.out)
    if ((a.entity >= 0 || a.name_end > a.name_start) && a.person && a.span_start < pos) speaker = &a;
  Attribution r;
  if (speaker && (!mention || speaker->span_start >= mention->start ||
                  same_sentence(c.text, speaker->span_end, mention->start))) {
    r = *speaker;
  } else if (mention) {
    r = from_mention(*mention);
  } else {
    return Attribution{};
  }
  r.direct = false;
  r.has_span = true;
  return r;
}

// Another place in the text where the one-word name text[b, e) follows a capitalised given name
// ("Cian Moloney", "Raimonds Ozolins"): its span in [nb, ne).
bool Attributor::full_name_elsewhere(const Ctx& c, uint32_t b, uint32_t e, uint32_t& nb, uint32_t& ne) const {
  const std::string_view word = c.text.substr(b, e - b);
  if (word.size() < 2) return false;
  std::vector<Word>& t = c.scratch;
  for (size_t p = c.text.find(word); p != std::string_view::npos; p = c.text.find(word, p + 1)) {
    if (p == b || inside_quote(c.quotes, static_cast<uint32_t>(p))) continue;
    const size_t from = p > 60 ? p - 60 : 0;
    t.clear();
    tokenize(c.text, t, from, p + word.size());
    if (t.size() < 2 || t.back().start != p || t.back().end != p + word.size()) continue;  // a whole word only
    const NameRange r = strip_titles(c.text, t, name_run_backward(t, t.size()), lp_);
    if (r.words < 2 || r.last != t.size()) continue;
    bool org = false;  // "European Commission" is no person's full name
    for (size_t k = r.first; k < r.last; ++k) org |= is_org_noun(t[k].hash);
    if (const MentionRef* m = mention_at(c.mentions, t[r.first].start, t.back().end); m && !m->person) org = true;
    if (org) continue;
    nb = t[r.first].start;
    ne = t.back().end;
    return true;
  }
  return false;
}

bool Attributor::name_speaker(const Ctx& c, const std::vector<Word>& t, NameRange r, Attribution& a) const {
  if (r.empty()) return false;
  const uint32_t b = t[r.first].start, e = t[r.last - 1].end;
  if (r.words == 1 && lp_.is_pronoun(t[r.first].hash)) return false;  // "He said"
  // A description, not a name: all titles or acronyms ("Foreign Minister said", "UK Chancellor"), or a title last after a
  // determiner ("the British Prime Minister said"; but "said Simon Champion" is a name). And a
  // name does not end in an acronym ("said Moscow-based US lawyer Jamie Firestone").
  if (is_acronym(c.text, t[r.last - 1])) return false;
  bool all_titles = true;
  for (size_t k = r.first; k < r.last && all_titles; ++k)
    all_titles = !(t[k].flags & kCapital) || is_title_word(c.text, t[k], lp_) || is_acronym(c.text, t[k]);
  if (all_titles) return false;
  if (is_title_word(c.text, t[r.last - 1], lp_) && r.first > 0 && lp_.is_determiner(t[r.first - 1].hash)) return false;
  const bool surname = c.names.knows_surname(t[r.last - 1].hash);
  // What the entity tagger says about these words.
  const MentionRef* person = nullptr;
  bool other_exact = false;
  auto it = std::partition_point(c.mentions.begin(), c.mentions.end(), [&](const MentionRef& m) { return m.end <= b; });
  for (; it != c.mentions.end() && it->start < e; ++it) {
    if (it->end <= b) continue;
    if (it->person && !person) person = &*it;
    if (!it->person && it->start == b && it->end == e) other_exact = true;
  }
  // "Chancellor of the Exchequer Gordon Brown": where a tagged person ends the name, the tagger's
  // left edge wins over the capitalised words before it.
  if (person && person->end == e && person->start > b) {
    a = Attribution{};
    a.person = true;
    a.entity = static_cast<int>(person->entity);
    a.span_start = a.name_start = person->start;
    a.span_end = a.name_end = e;
    return true;
  }
  // An organisation or place tagged with exactly these words ("Reuters", "Banco de España") is
  // not a person, unless its last word is the surname of someone named in full elsewhere.
  if (other_exact && !person && !surname) return false;
  // "Group Menatep said", "Deutsche Bank said": an organisation's name, not a person's.
  if (!person)
    for (size_t k = r.first; k < r.last; ++k)
      if (is_org_noun(t[k].hash)) return false;
  uint32_t name_b = b, name_e = e;
  if (r.words < 2 && !person && !surname) {
    // "Moloney said" with Moloney untagged: a person when the article writes the name in full
    // elsewhere ("… Cian Moloney …"); that full name is then the speaker's name.
    if (!full_name_elsewhere(c, b, e, name_b, name_e)) return false;
  }
  a = Attribution{};
  a.person = true;
  a.span_start = b;
  a.span_end = e;
  a.name_start = name_b;
  a.name_end = name_e;
  // A person mention covering the whole name gives its entity (canonical name, watchlist alias).
  if (person && person->start <= b && person->end >= e) a.entity = static_cast<int>(person->entity);
  return true;
}

Attribution Attributor::resolve_description(const Ctx& c, uint32_t b, uint32_t e, uint32_t pos) const {
  // Content words of the description ("the French leader" → french, leader).
  std::vector<Word> desc;
  tokenize(c.text, desc, b, e);
  std::vector<uint64_t> words;
  bool indefinite = false;
  for (size_t i = 0; i < desc.size(); ++i) {
    const Word& w = desc[i];
    if (!(w.flags & kWord) || (w.flags & kNumber)) continue;
    if (words.empty() && std::binary_search(indefinite_.begin(), indefinite_.end(), w.hash)) indefinite = true;
    if (lp_.is_determiner(w.hash) || w.end - w.start < 3) continue;
    words.push_back(w.hash);
  }
  if (words.empty()) return indefinite ? Attribution{} : resolve_pronoun(c, pos);  // "the 47-year-old said"
  // "the company said": the organisation last mentioned, not a person.
  if (is_org_noun(words.back())) {
    if (indefinite) return Attribution{};
    const MentionRef* org = nullptr;
    for (const MentionRef& m : c.mentions) {
      if (m.start >= pos) break;
      if (m.organisation && !inside_quote(c.quotes, m.start)) org = &m;
    }
    return org ? from_mention(*org) : Attribution{};
  }
  // Score each person by the description words in its title (up to four words right before a
  // mention: "British Prime Minister Kir Starmer") or apposition (", head of gas analysis at ...").
  std::vector<Word> ctx;
  const MentionRef* best = nullptr;
  int best_score = 0;
  uint32_t best_pos = 0;
  auto hits = [&](const Word& w) { return std::find(words.begin(), words.end(), w.hash) != words.end() ? 1 : 0; };
  for (const MentionRef& m : c.mentions) {
    if (!m.person || m.start >= pos || inside_quote(c.quotes, m.start)) continue;
    int score = 0;
    ctx.clear();
    tokenize(c.text, ctx, m.start > 80 ? m.start - 80 : 0, m.start);
    for (size_t k = ctx.size(), taken = 0; k-- > 0 && taken < 4; ++taken) {
      if (!(ctx[k].flags & kWord)) break;
      if (const MentionRef* o = mention_at(c.mentions, ctx[k].start, ctx[k].end); o && o->person) break;
      score += hits(ctx[k]);
    }
    size_t after = m.end;
    while (after < c.text.size() && c.text[after] == ' ') ++after;
    if (after < c.text.size() && c.text[after] == ',') {
      ctx.clear();
      tokenize(c.text, ctx, after + 1, std::min<size_t>(c.text.size(), after + 120));
      for (size_t k = 0; k < ctx.size() && k < 12; ++k) {
        if (ctx[k].flags & (kSentEnd | kClause | kQuote)) break;
        score += hits(ctx[k]);
      }
    }
    if (score > best_score || (score == best_score && score > 0 && m.start >= best_pos))
      best = &m, best_score = score, best_pos = m.start;
  }
  if (best) return from_mention(*best);
  // "the analyst said" with no matching title: the person last in focus; "a spokesman said": nobody.
  return indefinite ? Attribution{} : resolve_pronoun(c, pos);
}

// Looks for a speaker in c.text[b, e). tail = the region follows the quote.
bool Attributor::analyse(Ctx& c, size_t qi, uint32_t b, uint32_t e, bool tail, Attribution& a) const {
  std::vector<Word>& t = c.toks;
  t.clear();
  tokenize(c.text, t, b, e);
  if (tail) {  // the tail ends at the end of its sentence
    for (size_t i = 0; i < t.size(); ++i)
      if (t[i].flags & kSentEnd) {
        t.resize(i);
        break;
      }
  }
  const size_t n = t.size();
  auto person_from = [&](const MentionRef* m, uint32_t sb, uint32_t se) {
    a = Attribution{};
    a.entity = static_cast<int>(m->entity);
    a.person = m->person;
    a.span_start = a.name_start = sb, a.span_end = a.name_end = se;
    return true;
  };
  auto resolved = [](const Attribution& r) { return r.entity >= 0 || r.name_end > r.name_start; };
  auto pronoun_at = [&](size_t i) {
    a = resolve_pronoun(c, t[i].start);
    a.span_start = t[i].start, a.span_end = t[i].end;
    return resolved(a);
  };
  // Speaker right after index i (after "according to", an inverted verb or "aldus"): a person's
  // name within a few words, else a pronoun or an organisation right there.
  auto speaker_after = [&](size_t i) -> bool {
    if (i < n && lp_.is_pronoun(t[i].hash)) return pronoun_at(i);
    size_t lim = std::min(n, i + kAfterVerbWindow);
    for (size_t k = i; k < lim; ++k)
      if ((t[k].flags & (kSentEnd | kQuote)) || lp_.is_speech_verb(t[k].hash)) lim = k;
    // "said the municipal secretary of Health, Ricardo Lemos": a description whose last word is
    // capitalised, then the person's name in apposition.
    size_t j = i;
    while (j < lim && !(t[j].flags & kCapital) && lp_.is_determiner(t[j].hash)) ++j;
    const bool described = j < lim && (t[j].flags & kWord) && !(t[j].flags & kCapital);
    for (size_t k = i; k < lim;) {
      const NameRange run = name_run_forward(t, k, lim);
      if (run.empty()) {
        if (const MentionRef* m = mention_at(c.mentions, t[k].start, t[k].end); m && m->person)
          return person_from(m, m->start, m->end);
        ++k;
        continue;
      }
      // "says Deutsche Bank's Simon Champion": the owner is not the speaker.
      const bool owner = run.last < n && (c.text.substr(t[run.last].start, 2) == "'s" ||
                                          c.text.substr(t[run.last].start, 4) == "\u2019s");
      Attribution cand;
      if (!owner && name_speaker(c, t, strip_titles(c.text, t, run, lp_), cand)) {
        if (described && run.last + 1 < lim && c.text[t[run.last].start] == ',') {
          Attribution app;
          const NameRange r2 = strip_titles(c.text, t, name_run_forward(t, run.last + 1, lim), lp_);
          if (r2.words >= 2 && name_speaker(c, t, r2, app)) cand = app;
        }
        a = cand;
        return true;
      }
      k = run.last;
    }
    if (i >= n) return false;
    if (const MentionRef* m = mention_at(c.mentions, t[i].start, t[i].end); m && m->organisation)
      return person_from(m, m->start, m->end);
    return false;
  };

  // After a quote that ends its own sentence ("… Ukraine." Warsaw is …) only words right there
  // attribute it; the next sentence's "according to" is about that sentence.
  size_t window = kTailVerbWindow;
  if (tail) {
    const QuoteSpan& q = c.quotes[qi];
    const char last = q.end > q.start ? c.text[q.end - 1] : ' ';
    if ((last == '.' || last == '!' || last == '?') && n > 0 && (t[0].flags & kCapital)) window = 4;
  }
  // "according to X" anywhere in the region.
  for (size_t i = 0; i < n && (window == kTailVerbWindow || i < window); ++i) {
    for (const auto& ph : lp_.according_to) {
      if (i + ph.size() > n) continue;
      bool match = true;
      for (size_t k = 0; k < ph.size() && match; ++k) match = t[i + k].hash == ph[k];
      if (match && speaker_after(i + ph.size())) return true;
    }
    if (lp_.is_speaker_after(t[i].hash) && speaker_after(i + 1)) return true;
  }

  // A speech verb: the first one after the quote (within the window), the last one before it.
  size_t v = n;
  if (tail) {
    for (size_t i = 0; i < n && i < window; ++i)
      if (lp_.is_speech_verb(t[i].hash)) {
        v = i;
        break;
      }
  } else {
    for (size_t i = n; i-- > 0;)
      if (lp_.is_speech_verb(t[i].hash)) {
        v = i;
        break;
      }
  }
  if (v == n) {
    // 'Judge X turned to the defendant:' — a colon right before the quote names its speaker.
    if (!tail && n > 0 && c.text.substr(t[n - 1].start, 1) == ":") {
      for (size_t k = n; k-- > 0;) {
        if (const MentionRef* m = mention_at(c.mentions, t[k].start, t[k].end); m && m->person)
          return person_from(m, m->start, m->end);
        if (lp_.is_pronoun(t[k].hash)) return pronoun_at(k);
      }
    }
    return false;
  }
  // A name right before the verb ("NATO Secretary General Mark Rutte wrote", "Hollis also said"),
  // tagged or not.
  {
    size_t re = v;
    if (re >= 2 && (t[re - 1].flags & kWord) && !(t[re - 1].flags & kCapital) && !lp_.is_pronoun(t[re - 1].hash) &&
        !lp_.is_determiner(t[re - 1].hash))
      re = v - 1;
    const NameRange run = name_run_backward(t, re);
    // "David Graham of the Office of Drug Safety told": a name after a preposition is not the
    // subject unless it is a tagged person (titles and punctuation before a name are fine).
    const bool after_word = !run.empty() && run.first > 0 && (t[run.first - 1].flags & kWord) &&
                            !(t[run.first - 1].flags & kCapital) && !is_title_word(c.text, t[run.first - 1], lp_) &&
                            !lp_.is_determiner(t[run.first - 1].hash);
    Attribution cand;
    if (name_speaker(c, t, strip_titles(c.text, t, run, lp_), cand) && (!after_word || cand.entity >= 0)) {
      a = cand;
      return true;
    }
  }
  // Subject before the verb: the nearest mention (a person preferred), then a pronoun.
  const MentionRef* subj = nullptr;
  for (size_t k = v; k-- > 0;) {
    if (t[k].flags & kQuote) break;
    if (const MentionRef* m = mention_at(c.mentions, t[k].start, t[k].end)) {
      if (m->person) {
        subj = m;
        break;
      }
      if (!subj && k + 1 == v && m->organisation) subj = m;  // "the FT reported"
    }
  }
  if (subj && subj->person) return person_from(subj, subj->start, subj->end);
  for (size_t k = v; k-- > 0 && k + 3 >= v;) {  // "she added", "he also said"
    if (lp_.is_pronoun(t[k].hash)) return pronoun_at(k);
    if (!(t[k].flags & kWord)) break;
  }
  // Inverted: "said Tom Ashcroft", "said BDF president Koen Peeters", "said he".
  if (speaker_after(v + 1)) return true;
  if (subj) return person_from(subj, subj->start, subj->end);
  // A description before the verb ("the French leader added") or after it ("said a spokesman").
  size_t db = v;
  while (db > 0 && (t[db - 1].flags & kWord) && v - db < 6) --db;
  if (db < v) {
    a = resolve_description(c, t[db].start, t[v - 1].end, t[db].start);
    a.span_start = t[db].start, a.span_end = t[v - 1].end;
    return resolved(a);
  }
  if (tail && v == 0 + (n > 0 && (t[0].flags & kPunct) ? 1 : 0)) {
    // The verb alone right after the quote ("«…», dijo."): subject-less, the person in focus.
    size_t de = v + 1;
    while (de < n && (t[de].flags & kWord) && de - v <= 5) ++de;
    if (de > v + 1) {  // "said a spokesman", "zaznaczył analityk"
      a = resolve_description(c, t[v + 1].start, t[de - 1].end, c.quotes[qi].open);
      a.span_start = t[v + 1].start, a.span_end = t[de - 1].end;
      return resolved(a);
    }
    a = resolve_pronoun(c, c.quotes[qi].open);
    a.has_span = false;
    return resolved(a);
  }
  return false;
}

bool Attributor::from_tail(Ctx& c, size_t qi, Attribution& a) const {
  const QuoteSpan& q = c.quotes[qi];
  uint32_t e = std::min<uint32_t>(paragraph_end(c.text, q.close), q.close + kMaxRegion);
  if (qi + 1 < c.quotes.size() && c.quotes[qi + 1].open < e) {
    e = c.quotes[qi + 1].open;
    // '…," he said. He added: "…"' — a colon in the same sentence introduces the next quote.
    size_t k = e;
    while (k > q.close && (c.text[k - 1] == ' ' || c.text[k - 1] == '\n')) --k;
    if (k > q.close && c.text[k - 1] == ':') {
      bool sentence_end = false;
      for (size_t p = q.close; p + 1 < k; ++p)
        sentence_end |= (c.text[p] == '.' || c.text[p] == '!' || c.text[p] == '?') && c.text[p + 1] == ' ';
      if (!sentence_end) return false;
    }
  }
  return analyse(c, qi, q.close, e, true, a);
}

bool Attributor::from_head(Ctx& c, size_t qi, uint32_t b, uint32_t e, Attribution& a) const {
  if (e <= b) return false;
  // Only the last sentence of the region.
  std::vector<Word>& t = c.toks;
  t.clear();
  tokenize(c.text, t, b, e);
  if (t.empty() || (t.back().flags & kSentEnd)) return false;  // the quote opens a new sentence
  uint32_t start = b;
  for (size_t i = 0; i + 1 < t.size(); ++i)
    if ((t[i].flags & kSentEnd) && !(t[i + 1].flags & kPunct && !(t[i + 1].flags & kQuote))) start = t[i + 1].start;
  return analyse(c, qi, start, e, false, a);
}

void Attributor::attribute(std::string_view text, std::span<const QuoteSpan> quotes,
                           std::span<const MentionRef> mentions, const PersonNames& names,
                           std::vector<Attribution>& out) const {
  out.clear();
  Ctx c{text, quotes, mentions, names, out, {}, {}};
  for (size_t qi = 0; qi < quotes.size(); ++qi) {
    const QuoteSpan& q = quotes[qi];
    Attribution a;
    const uint32_t pstart = paragraph_start(text, q.open);
    uint32_t hb = std::max(pstart, q.open > kMaxRegion ? q.open - kMaxRegion : 0u);
    if (qi > 0 && quotes[qi - 1].close > hb) hb = quotes[qi - 1].close;
    bool found = from_tail(c, qi, a);
    if (!found) found = from_head(c, qi, hb, q.open, a);
    if (found) a.direct = true;
    if (!found && hb == pstart && pstart > 0) {
      // A quote opening its paragraph after one that ends with a colon: "she said:\n\n«…»".
      size_t k = pstart;
      while (k > 0 && (text[k - 1] == '\n' || text[k - 1] == ' ' || text[k - 1] == '\r')) --k;
      if (k > 0 && text[k - 1] == ':') {
        const uint32_t prev_start = paragraph_start(text, static_cast<uint32_t>(k - 1));
        found = from_head(c, qi, prev_start, static_cast<uint32_t>(k), a);
      }
    }
    if (!found && qi > 0 && quotes[qi - 1].close >= pstart &&
        (out[qi - 1].entity >= 0 || out[qi - 1].name_end > out[qi - 1].name_start)) {
      // Same paragraph as the previous quote: its speaker goes on ("… ," Moloney said. "…").
      a = out[qi - 1];
      a.direct = false;
      found = true;
    }
    if (!found) a = Attribution{};
    out.push_back(a);
  }
}

}  // namespace newsflow::stance
