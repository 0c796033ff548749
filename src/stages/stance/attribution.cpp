#include "stages/stance/attribution.h"

#include <algorithm>

#include "stages/stance/words.h"

namespace newsflow::stance {

struct Attributor::Ctx {
  std::string_view text;
  std::span<const QuoteSpan> quotes;
  std::span<const MentionRef> mentions;
  std::vector<Attribution>& out;
  std::vector<Word> toks;  // scratch
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

Attributor::Attributor(const LanguageProfile& profile) : lp_(profile) {
  for (const char* w : {"a", "an", "un", "une", "ein", "eine", "einer", "einem", "uno", "una", "um", "uma", "een"})
    indefinite_.push_back(word_hash(w));
  std::sort(indefinite_.begin(), indefinite_.end());
}

int Attributor::resolve_pronoun(const Ctx& c, uint32_t pos) const {
  // The closest earlier person: a mention outside quotes or an earlier quote's resolved speaker.
  int best = -1;
  uint32_t best_pos = 0;
  for (const MentionRef& m : c.mentions) {
    if (m.start >= pos) break;
    if (!m.person || inside_quote(c.quotes, m.start)) continue;
    if (best < 0 || m.start >= best_pos) best = static_cast<int>(m.entity), best_pos = m.start;
  }
  for (const Attribution& a : c.out) {
    if (a.entity >= 0 && a.person && a.span_start < pos && a.span_start >= best_pos)
      best = a.entity, best_pos = a.span_start;
  }
  return best;
}

int Attributor::resolve_description(const Ctx& c, uint32_t b, uint32_t e, uint32_t pos) const {
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
  if (words.empty()) return -1;
  // Score each person by the description words in its title (up to four words right before a
  // mention: "British Prime Minister Kir Starmer") or apposition (", head of gas analysis at ...").
  std::vector<Word> ctx;
  int best = -1, best_score = 0;
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
      best = static_cast<int>(m.entity), best_score = score, best_pos = m.start;
  }
  if (best >= 0) return best;
  // "the analyst said" with no matching title: the person last in focus; "a spokesman said": nobody.
  return indefinite ? -1 : resolve_pronoun(c, pos);
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
    a.entity = static_cast<int>(m->entity);
    a.person = m->person;
    a.span_start = sb, a.span_end = se;
    return true;
  };
  auto pronoun_at = [&](size_t i) {
    a.entity = resolve_pronoun(c, t[i].start);
    a.person = a.entity >= 0;
    a.span_start = t[i].start, a.span_end = t[i].end;
    return a.entity >= 0;
  };
  // Speaker right after index i (after "according to", an inverted verb or "aldus"): a person
  // within a few words, else a pronoun or an organisation right there.
  auto speaker_after = [&](size_t i) -> bool {
    if (i < n && lp_.is_pronoun(t[i].hash)) return pronoun_at(i);
    for (size_t k = i; k < n && k < i + kAfterVerbWindow; ++k) {
      if ((t[k].flags & kSentEnd) || (t[k].flags & kQuote)) break;
      if (lp_.is_speech_verb(t[k].hash)) break;
      if (const MentionRef* m = mention_at(c.mentions, t[k].start, t[k].end); m && m->person)
        return person_from(m, m->start, m->end);
    }
    if (i >= n) return false;
    if (const MentionRef* m = mention_at(c.mentions, t[i].start, t[i].end); m && m->organisation)
      return person_from(m, m->start, m->end);
    return false;
  };

  // "according to X" anywhere in the region.
  for (size_t i = 0; i < n; ++i) {
    for (const auto& ph : lp_.according_to) {
      if (i + ph.size() > n) continue;
      bool match = true;
      for (size_t k = 0; k < ph.size() && match; ++k) match = t[i + k].hash == ph[k];
      if (match && speaker_after(i + ph.size())) return true;
    }
    if (lp_.is_speaker_after(t[i].hash) && speaker_after(i + 1)) return true;
  }

  // A speech verb: the first one after the quote, the last one before it. After a quote that
  // ends its own sentence ("… Ukraine." Warsaw is …) only a verb right there counts.
  size_t window = kTailVerbWindow;
  if (tail) {
    const QuoteSpan& q = c.quotes[qi];
    const char last = q.end > q.start ? c.text[q.end - 1] : ' ';
    if ((last == '.' || last == '!' || last == '?') && n > 0 && (t[0].flags & kCapital)) window = 4;
  }
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
    a.entity = resolve_description(c, t[db].start, t[v - 1].end, t[db].start);
    a.person = a.entity >= 0;
    a.span_start = t[db].start, a.span_end = t[v - 1].end;
    return a.entity >= 0;
  }
  if (tail && v == 0 + (n > 0 && (t[0].flags & kPunct) ? 1 : 0)) {
    // The verb alone right after the quote ("«…», dijo."): subject-less, the person in focus.
    size_t de = v + 1;
    while (de < n && (t[de].flags & kWord) && de - v <= 5) ++de;
    if (de > v + 1) {  // "said a spokesman", "zaznaczył analityk"
      a.entity = resolve_description(c, t[v + 1].start, t[de - 1].end, c.quotes[qi].open);
      a.person = a.entity >= 0;
      a.span_start = t[v + 1].start, a.span_end = t[de - 1].end;
      return a.entity >= 0;
    }
    a.entity = resolve_pronoun(c, c.quotes[qi].open);
    a.person = a.entity >= 0;
    a.span_start = t[v].start, a.span_end = t[v].end;
    return a.entity >= 0;
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
                           std::span<const MentionRef> mentions, std::vector<Attribution>& out) const {
  out.clear();
  Ctx c{text, quotes, mentions, out, {}};
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
    if (!found && qi > 0 && quotes[qi - 1].close >= pstart && out[qi - 1].entity >= 0) {
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
