#include "stages/stance/stance_stage.h"

#include <algorithm>
#include <stdexcept>

#include "core/resources.h"
#include "stages/stance/attribution.h"
#include "stages/stance/names.h"
#include "stages/stance/quotes.h"
#include "stages/stance/sentiment.h"

namespace newsflow {

using namespace stance;

namespace {

// Per-thread buffers: the stage runs concurrently, each worker reuses its own.
struct Scratch {
  std::vector<Word> words;
  std::vector<SentenceRange> sentences;
  std::vector<MentionRef> mentions;
  std::vector<MentionRef> speakers;  // attribution's view: persons checked, people found by their titles added
  std::vector<std::pair<uint32_t, uint32_t>> found;  // byte spans of the people found by their titles
  PersonNames names;
  std::vector<uint8_t> named;  // entity's canonical name already in names
  std::vector<QuoteSpan> quotes;
  std::vector<Attribution> attributions;
  std::vector<ByteRange> ranges;
  std::vector<Word> filtered;
  std::vector<std::pair<uint64_t, const MentionRef*>> keyed;
  ScoreScratch score;
};

// Index of the sentence holding word w.
size_t sentence_of(const std::vector<SentenceRange>& ss, uint32_t w) {
  auto it = std::partition_point(ss.begin(), ss.end(), [&](const SentenceRange& s) { return s.last <= w; });
  return static_cast<size_t>(it - ss.begin());
}

// Index of the first word ending after byte b.
uint32_t word_at(const std::vector<Word>& ws, uint32_t b) {
  return static_cast<uint32_t>(std::partition_point(ws.begin(), ws.end(), [&](const Word& w) { return w.end <= b; }) -
                               ws.begin());
}

void add(Probs& acc, const Probs& p) {
  for (int c = 0; c < kClasses; ++c) acc[c] += p[c];
}

std::string collapse_space(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// First- and second-person pronouns, which taggers sometimes mark as entities ("Ik", "Wir"):
// never a stance target.
bool speaker_pronoun(uint64_t h) {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> out;
    for (const char* w : {"i", "we", "you", "me", "us", "ich", "wir", "du", "ihr", "sie", "je", "nous", "vous", "tu",
                          "yo", "nosotros", "usted", "ustedes", "io", "noi", "voi", "eu", "nós", "você", "ik", "wij",
                          "jij", "jullie", "u", "ja", "my", "wy", "ty"})
      out.push_back(word_hash(w));
    std::sort(out.begin(), out.end());
    return out;
  }();
  return std::binary_search(v.begin(), v.end(), h);
}

// The quote whose marks enclose byte `pos`, or nullptr. find_quotes() returns them in text order,
// never nested: a binary search, since an article may hold thousands.
const QuoteSpan* quote_at(const std::vector<QuoteSpan>& qs, uint32_t pos) {
  auto it = std::partition_point(qs.begin(), qs.end(), [&](const QuoteSpan& q) { return q.close <= pos; });
  return it != qs.end() && it->open <= pos ? &*it : nullptr;
}

bool inside_any(const std::vector<QuoteSpan>& qs, uint32_t pos) { return quote_at(qs, pos) != nullptr; }

// The mentions attribution reads. A PER mention counts as a person only when it starts with a
// capital and is not a lone pronoun (taggers also mark "Zij" or "op de 1500"). People named after a
// title or role ("Interior Minister Carolina Fuenzalida", "coach Erik Postma") are added as persons
// (entity ids from n_entities on, spans in s.found) and replace a non-person mention over them;
// every full name goes into s.names.
void speaker_view(std::string_view text, const Article& a, const LanguageProfile& lp, Scratch& s) {
  s.speakers.clear();
  s.found.clear();
  const std::vector<Word>& w = s.words;
  for (MentionRef m : s.mentions) {
    if (m.person) {
      const uint32_t wi = word_at(w, m.start);
      const bool capital = wi < w.size() && w[wi].start == m.start && (w[wi].flags & kCapital);
      const bool lone_pronoun = wi < w.size() && w[wi].end >= m.end && lp.is_pronoun(w[wi].hash);
      m.person = capital && !lone_pronoun;
      if (m.person) {  // the canonical name once per entity, other spellings as they come
        const Entity& e = a.entities[m.entity];
        const std::string& canonical = e.canonical.empty() ? e.text : e.canonical;
        if (s.named.size() < a.entities.size()) s.named.resize(a.entities.size(), 0);
        if (!s.named[m.entity]) s.names.add(clean_name(canonical, lp)), s.named[m.entity] = 1;
        const std::string_view written = text.substr(m.start, m.end - m.start);
        if (written != canonical) s.names.add(clean_name(collapse_space(written), lp));
      }
    }
    s.speakers.push_back(m);
  }
  const uint32_t first_found = static_cast<uint32_t>(a.entities.size());
  for (size_t k = 0; k + 1 < w.size(); ++k) {
    // Only a word before a capitalised one can introduce a name; test that first (cheap).
    if (!(w[k + 1].flags & kCapital) || !(w[k + 1].flags & kWord) || !is_title_word(text, w[k], lp) ||
        inside_any(s.quotes, w[k].start))
      continue;
    const NameRange r = strip_titles(text, w, name_run_forward(w, k + 1, w.size()), lp);
    if (r.words < 2) continue;
    const uint32_t b = w[r.first].start, e = w[r.last - 1].end;
    k = r.last - 1;
    s.names.add(collapse_space(text.substr(b, e - b)));
    bool person_there = false;
    for (const MentionRef& m : s.speakers) person_there |= m.person && m.start < e && b < m.end;
    if (person_there) continue;
    std::erase_if(s.speakers, [&](const MentionRef& m) { return m.start < e && b < m.end; });
    s.speakers.push_back({b, e, first_found + static_cast<uint32_t>(s.found.size()), true, false});
    s.found.push_back({b, e});
  }
  std::sort(s.speakers.begin(), s.speakers.end(), [](const MentionRef& x, const MentionRef& y) {
    return x.start != y.start ? x.start < y.start : x.end > y.end;
  });
}

}  // namespace

struct StanceAnnotator::Impl {
  std::shared_ptr<const SentimentModel> model;
  StanceOptions opt;
  SentimentScorer scorer;
  Impl(std::shared_ptr<const SentimentModel> m, StanceOptions o) : model(m), opt(o), scorer(std::move(m)) {}

  void field(Article& a, Field f, bool score_sentiment, std::vector<Probs>& sums, std::vector<uint32_t>& counts,
             Scratch& s) const;
  void pronoun_targets(const Article& a, const QuoteSpan& q, uint32_t qw0, uint32_t qw1,
                       const LanguageProfile& lp, Scratch& s, Quote& out) const;
  void description_targets(const Article& a, std::string_view text, const QuoteSpan& q, uint32_t qw0, uint32_t qw1,
                           const LanguageProfile& lp, Scratch& s, Quote& out) const;
};

// Plural pronouns, which stand for a group rather than the person last named.
bool plural_pronoun(uint64_t h) {
  static const std::vector<uint64_t> v = [] {
    std::vector<uint64_t> out;
    for (const char* w : {"they", "them", "ihnen", "ils", "elles", "eux", "ellos", "ellas", "loro", "eles", "elas",
                          "oni", "nich"})
      out.push_back(word_hash(w));
    std::sort(out.begin(), out.end());
    return out;
  }();
  return std::binary_search(v.begin(), v.end(), h);
}

// "She is not only fast, she is smart": a third-person pronoun inside the quote stands for the
// person last named before it outside quotes, other than the speaker. Scored with the pronoun
// as the target; only a clear polarity counts.
void StanceAnnotator::Impl::pronoun_targets(const Article& a, const QuoteSpan& q, uint32_t qw0,
                                            uint32_t qw1, const LanguageProfile& lp, Scratch& s, Quote& out) const {
  const size_t n_entities = a.entities.size();
  for (uint32_t i = qw0; i < qw1; ++i) {
    const Word& w = s.words[i];
    if (!(w.flags & kWord) || !lp.is_pronoun(w.hash) || plural_pronoun(w.hash)) continue;
    const MentionRef* person = nullptr;
    std::string name;
    auto it = std::partition_point(s.speakers.begin(), s.speakers.end(), [&](const MentionRef& m) { return m.start < q.open; });
    while (it != s.speakers.begin()) {
      const MentionRef& m = *--it;
      if (!m.person || m.entity >= n_entities || inside_any(s.quotes, m.start)) continue;
      const Entity& e = a.entities[m.entity];
      name = e.canonical.empty() ? e.text : e.canonical;
      if (s.names.full_name(clean_name(name, lp)) == out.speaker) continue;
      person = &m;
      break;
    }
    if (!person) break;  // one referent per quote: the first pronoun decides
    if (std::any_of(out.targets.begin(), out.targets.end(), [&](const QuoteTarget& t) { return t.entity == name; }))
      break;
    const size_t sent = sentence_of(s.sentences, i);
    if (sent >= s.sentences.size()) break;
    const uint32_t b = std::max(s.sentences[sent].first, qw0), e = std::min(s.sentences[sent].last, qw1);
    const ByteRange r{w.start, w.end};
    const Sentiment st =
        to_sentiment(scorer.score(std::span<const Word>(s.words.data() + b, e - b), std::span<const ByteRange>(&r, 1), s.score));
    if (st.polarity != Polarity::neutral) out.targets.push_back(QuoteTarget{name, st.polarity, st.score});
    break;
  }
}

// "The company knew what was at stake", "today the court has recognised": a definite description
// inside the quote stands for the organisation named before the quote whose name has that noun
// ("Federal Court"), or for a generic noun ("company") the organisation named last.
void StanceAnnotator::Impl::description_targets(const Article& a, std::string_view text, const QuoteSpan& q,
                                                uint32_t qw0, uint32_t qw1, const LanguageProfile& lp, Scratch& s,
                                                Quote& out) const {
  for (uint32_t i = qw0; i + 1 < qw1; ++i) {
    const Word& det = s.words[i];
    const Word& noun = s.words[i + 1];
    if (!(det.flags & kWord) || !lp.is_determiner(det.hash) || !is_org_noun(noun.hash) || (noun.flags & kCapital))
      continue;
    // A named match ("the court" → "Federal Court"); for a generic noun ("the company") the
    // organisation most mentioned so far whose name has no other kind of noun ("Federal Court").
    const MentionRef* found = nullptr;
    const MentionRef* main_org = nullptr;
    size_t main_count = 0;
    std::vector<Word>& toks = s.filtered;
    for (const MentionRef& m : s.speakers) {
      if (m.start >= q.open) break;
      if (!m.organisation || inside_any(s.quotes, m.start)) continue;
      toks.clear();
      tokenize(text, toks, m.start, m.end);
      bool other_kind = false;
      for (const Word& w : toks) {
        if (w.hash == noun.hash) found = &m;
        other_kind |= w.hash != noun.hash && is_org_noun(w.hash) && !is_generic_org_noun(w.hash);
      }
      const size_t count = a.entities[m.entity].mentions.size();
      if (!other_kind && count >= main_count) main_org = &m, main_count = count;
    }
    if (!found && is_generic_org_noun(noun.hash)) found = main_org;

    if (!found) continue;
    const Entity& target = a.entities[found->entity];
    const std::string& name = target.canonical.empty() ? target.text : target.canonical;
    if (name == out.speaker ||
        std::any_of(out.targets.begin(), out.targets.end(), [&](const QuoteTarget& t) { return t.entity == name; }))
      continue;
    // The whole quote is read: what follows a description is usually about it ("It had the reports").
    const ByteRange r{det.start, noun.end};
    const Sentiment st =
        to_sentiment(scorer.score(std::span<const Word>(s.words.data() + qw0, qw1 - qw0), std::span<const ByteRange>(&r, 1), s.score));
    if (st.polarity == Polarity::neutral) continue;  // a description in passing is no stance
    out.targets.push_back(QuoteTarget{name, st.polarity, st.score});
  }
}

StanceAnnotator::StanceAnnotator(std::shared_ptr<const SentimentModel> model, StanceOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), options)) {}
StanceAnnotator::~StanceAnnotator() = default;

void StanceAnnotator::Impl::field(Article& a, Field f, bool score_sentiment, std::vector<Probs>& sums,
                                  std::vector<uint32_t>& counts, Scratch& s) const {
  const std::string_view text = a.text(f);
  if (text.empty()) return;
  words_from(text, a.tokens(f), s.words, s.sentences);
  cap_sentence_length(s.sentences, kMaxSentenceWords);

  s.mentions.clear();
  for (size_t e = 0; e < a.entities.size(); ++e) {
    const Entity& ent = a.entities[e];
    for (const Span& m : ent.mentions) {
      if (m.field != f || m.end <= m.start || m.end > text.size()) continue;
      s.mentions.push_back({m.start, m.end, static_cast<uint32_t>(e), ent.type == "PER", ent.type == "ORG"});
    }
  }
  std::sort(s.mentions.begin(), s.mentions.end(), [](const MentionRef& x, const MentionRef& y) {
    return x.start != y.start ? x.start < y.start : x.end > y.end;
  });

  find_quotes(text, s.quotes);

  // Entity sentiment: one score per (entity, sentence) with all its mentions there. Quoted words
  // are left out unless the entity is mentioned inside the quote: what a speaker says about
  // others is the speaker's stance, not how the article portrays the speaker.
  if (opt.sentiment && score_sentiment && !s.sentences.empty()) {
    std::vector<std::pair<uint64_t, const MentionRef*>>& keyed = s.keyed;
    keyed.clear();
    for (const MentionRef& m : s.mentions) {
      const size_t sent = sentence_of(s.sentences, word_at(s.words, m.start));
      if (sent >= s.sentences.size()) continue;
      keyed.push_back({(uint64_t{m.entity} << 32) | sent, &m});
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (size_t i = 0; i < keyed.size();) {
      const uint64_t key = keyed[i].first;
      s.ranges.clear();
      for (; i < keyed.size() && keyed[i].first == key; ++i) s.ranges.push_back({keyed[i].second->start, keyed[i].second->end});
      const uint32_t ent = static_cast<uint32_t>(key >> 32);
      const SentenceRange& sr = s.sentences[key & 0xFFFFFFFFu];
      std::span<const Word> sw(s.words.data() + sr.first, sr.last - sr.first);
      if (!s.quotes.empty() && !sw.empty()) {
        s.filtered.clear();
        for (const Word& w : sw) {
          const QuoteSpan* q = quote_at(s.quotes, w.start);
          bool drop = q != nullptr;
          if (q) {
            for (const ByteRange& r : s.ranges) drop &= !(r.first >= q->open && r.first < q->close);
          }
          if (!drop) s.filtered.push_back(w);
        }
        if (!s.filtered.empty()) sw = s.filtered;
      }
      add(sums[ent], scorer.score(sw, s.ranges, s.score));
      ++counts[ent];
    }
  }

  if (!opt.quotes || s.quotes.empty()) return;
  const std::string_view lang = a.language && a.language->code != "und" ? std::string_view(a.language->code)
                                                                         : std::string_view(a.language_hint);
  const LanguageProfile& lp = profile_for(lang);
  speaker_view(text, a, lp, s);
  const Attributor attributor(lp);
  attributor.attribute(text, s.quotes, s.speakers, s.names, s.attributions);
  for (size_t qi = 0; qi < s.quotes.size(); ++qi) {
    const QuoteSpan& q = s.quotes[qi];
    const Attribution& at = s.attributions[qi];
    if (q.words <= 1) continue;  // a scare-quoted word
    if (q.words <= static_cast<uint32_t>(opt.scare_quote_max_words) && !(at.direct && at.person)) continue;
    Quote out;
    out.text = quote_text(text, q);
    out.span = Span{f, q.start, q.end};
    // The speaker's name: the tagged entity's canonical name, or the name as written; a person's
    // without titles and completed from the article ("Postma" → "Erik Postma").
    const size_t n_entities = a.entities.size();
    if (at.entity >= 0 && static_cast<size_t>(at.entity) < n_entities) {
      const Entity& sp = a.entities[static_cast<size_t>(at.entity)];
      out.speaker = sp.canonical.empty() ? sp.text : sp.canonical;
      if (at.person) out.speaker = s.names.full_name(clean_name(out.speaker, lp));
    } else if (at.entity >= 0 || at.name_end > at.name_start) {
      uint32_t b = at.name_start, e = at.name_end;
      if (at.entity >= 0) std::tie(b, e) = s.found[static_cast<size_t>(at.entity) - n_entities];
      out.speaker = s.names.full_name(collapse_space(text.substr(b, e - b)));
    }
    if (!out.speaker.empty() && at.has_span) out.speaker_span = Span{f, at.span_start, at.span_end};
    // Stance toward every other entity mentioned inside the quote, from the quote's own words.
    const uint32_t qw0 = word_at(s.words, q.start), qw1 = word_at(s.words, q.end);
    for (size_t mi = 0; mi < s.mentions.size(); ++mi) {
      const MentionRef& m = s.mentions[mi];
      if (m.start < q.start || m.end > q.end || static_cast<int>(m.entity) == at.entity) continue;
      const Entity& target = a.entities[m.entity];
      if (!out.speaker.empty() && target.type == "PER" &&
          s.names.full_name(clean_name(target.canonical.empty() ? target.text : target.canonical, lp)) == out.speaker)
        continue;
      // People and organisations are stance targets; places only with a clear polarity
      // ("Russia must stop its aggression"); nationality words and other MISC never.
      const bool place = target.type == "LOC";
      if (target.type != "PER" && target.type != "ORG" && !place) continue;
      // A name starts with a capital and is not a pronoun ("Ik", "op de 1500" are tagger slips).
      const uint32_t mw = word_at(s.words, m.start);
      if (mw >= s.words.size() || !(s.words[mw].flags & kCapital) || lp.is_pronoun(s.words[mw].hash) ||
          (s.words[mw].end >= m.end && speaker_pronoun(s.words[mw].hash)))
        continue;
      const std::string& name = target.canonical.empty() ? target.text : target.canonical;
      if (std::any_of(out.targets.begin(), out.targets.end(), [&](const QuoteTarget& t) { return t.entity == name; }))
        continue;
      Probs acc{0, 0, 0};
      int n = 0;
      for (size_t mj = mi; mj < s.mentions.size() && s.mentions[mj].start < q.end; ++mj) {
        const MentionRef& mm = s.mentions[mj];
        if (mm.entity != m.entity || mm.end > q.end) continue;
        const size_t sent = sentence_of(s.sentences, word_at(s.words, mm.start));
        if (sent >= s.sentences.size()) continue;
        const uint32_t b = std::max(s.sentences[sent].first, qw0), e = std::min(s.sentences[sent].last, qw1);
        if (e <= b) continue;
        const std::span<const Word> sw(s.words.data() + b, e - b);
        const ByteRange r{mm.start, mm.end};
        add(acc, scorer.score(sw, std::span<const ByteRange>(&r, 1), s.score));
        ++n;
      }
      if (n == 0) continue;
      for (float& v : acc) v /= static_cast<float>(n);
      const Sentiment st = to_sentiment(acc);
      // A neutral passing mention of an entity named once is no stance; nor is a neutral place.
      if (st.polarity == Polarity::neutral && (place || target.mentions.size() < 2)) continue;
      out.targets.push_back(QuoteTarget{name, st.polarity, st.score});
    }
    description_targets(a, text, q, qw0, qw1, lp, s, out);
    pronoun_targets(a, q, qw0, qw1, lp, s, out);
    a.quotes.push_back(std::move(out));
  }
}

void StanceAnnotator::annotate(Article& a) const {
  thread_local Scratch s;
  thread_local std::vector<Probs> sums;
  thread_local std::vector<uint32_t> counts;
  a.quotes.clear();
  s.names.clear();
  s.named.clear();
  sums.assign(a.entities.size(), Probs{0, 0, 0});
  counts.assign(a.entities.size(), 0);
  // The model reads English; other languages get a neutral, zero-confidence sentiment.
  const std::string_view lang = a.language && a.language->code != "und" ? std::string_view(a.language->code)
                                                                         : std::string_view(a.language_hint);
  const std::string_view base = lang.substr(0, lang.find_first_of("-_"));
  const bool supported = base.empty() || std::find(impl_->opt.sentiment_languages.begin(),
                                                   impl_->opt.sentiment_languages.end(), base) !=
                                             impl_->opt.sentiment_languages.end();
  impl_->field(a, Field::title, supported, sums, counts, s);
  impl_->field(a, Field::body, supported, sums, counts, s);
  a.quotes_done = impl_->opt.quotes;
  if (!impl_->opt.sentiment) return;
  for (size_t e = 0; e < a.entities.size(); ++e) {
    if (!supported) {
      a.entities[e].sentiment = Sentiment{Polarity::neutral, 0.0, 0.0};
      continue;
    }
    if (counts[e] == 0) {
      a.entities[e].sentiment.reset();
      continue;
    }
    Probs p = sums[e];
    for (float& v : p) v /= static_cast<float>(counts[e]);
    a.entities[e].sentiment = to_sentiment(p);
  }
}

namespace {

class StanceStage final : public Stage {
 public:
  explicit StanceStage(std::unique_ptr<StanceAnnotator> a) : annotator_(std::move(a)) {}
  std::string_view name() const override { return "stance"; }
  void process(Article& article) override { annotator_->annotate(article); }

 private:
  std::unique_ptr<StanceAnnotator> annotator_;
};

}  // namespace

std::unique_ptr<Stage> make_stance_stage(Settings& section) {
  const std::string model_path = section.get_string("model", "config/models/sentiment-en.bin");
  StanceOptions o;
  o.sentiment = section.get_bool("sentiment", true);
  o.quotes = section.get_bool("quotes", true);
  o.scare_quote_max_words = static_cast<int>(section.get_int("scare_quote_max_words", 3, 0, 20));
  o.sentiment_languages = section.get_string_list("sentiment_languages", o.sentiment_languages);
  std::shared_ptr<const SentimentModel> model;
  try {
    model = std::make_shared<const SentimentModel>(SentimentModel::load(resource_path(model_path).string()));
  } catch (const std::exception& e) {
    throw ConfigError(section.path() + ".model: " + e.what());
  }
  return std::make_unique<StanceStage>(std::make_unique<StanceAnnotator>(std::move(model), o));
}

}  // namespace newsflow
