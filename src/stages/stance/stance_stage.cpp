#include "stages/stance/stance_stage.h"

#include <algorithm>
#include <stdexcept>

#include "core/resources.h"
#include "stages/stance/attribution.h"
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
  std::vector<QuoteSpan> quotes;
  std::vector<Attribution> attributions;
  std::vector<ByteRange> ranges;
  std::vector<TokenRange> token_ranges;
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

}  // namespace

struct StanceAnnotator::Impl {
  std::shared_ptr<const SentimentModel> model;
  StanceOptions opt;
  SentimentScorer scorer;
  Impl(std::shared_ptr<const SentimentModel> m, StanceOptions o) : model(m), opt(o), scorer(std::move(m)) {}

  void field(Article& a, Field f, std::vector<Probs>& sums, std::vector<uint32_t>& counts, Scratch& s) const;
};

StanceAnnotator::StanceAnnotator(std::shared_ptr<const SentimentModel> model, StanceOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), options)) {}
StanceAnnotator::~StanceAnnotator() = default;

void StanceAnnotator::Impl::field(Article& a, Field f, std::vector<Probs>& sums, std::vector<uint32_t>& counts,
                                  Scratch& s) const {
  const std::string_view text = a.text(f);
  if (text.empty()) return;
  tokenize_sentences(text, s.words, s.sentences);

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

  // Entity sentiment: one score per (entity, sentence) with all its mentions there.
  if (opt.sentiment && !s.sentences.empty()) {
    // Visit mentions grouped by entity, then sentence.
    std::vector<std::pair<uint64_t, const MentionRef*>> keyed;
    keyed.reserve(s.mentions.size());
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
      const std::span<const Word> sw(s.words.data() + sr.first, sr.last - sr.first);
      add(sums[ent], scorer.score(sw, s.ranges, s.score));
      ++counts[ent];
    }
  }

  if (!opt.quotes) return;
  find_quotes(text, s.quotes);
  if (s.quotes.empty()) return;
  const std::string_view lang = a.language && a.language->code != "und" ? std::string_view(a.language->code)
                                                                         : std::string_view(a.language_hint);
  const Attributor attributor(profile_for(lang));
  attributor.attribute(text, s.quotes, s.mentions, s.attributions);
  for (size_t qi = 0; qi < s.quotes.size(); ++qi) {
    const QuoteSpan& q = s.quotes[qi];
    const Attribution& at = s.attributions[qi];
    if (q.words <= 1) continue;  // a scare-quoted word
    if (q.words <= static_cast<uint32_t>(opt.scare_quote_max_words) && !(at.direct && at.person)) continue;
    Quote out;
    out.text = quote_text(text, q);
    out.span = Span{f, q.start, q.end};
    if (at.entity >= 0) {
      const Entity& sp = a.entities[static_cast<size_t>(at.entity)];
      out.speaker = sp.canonical.empty() ? sp.text : sp.canonical;
      out.speaker_span = Span{f, at.span_start, at.span_end};
    }
    // Stance toward every other entity mentioned inside the quote, from the quote's own words.
    const uint32_t qw0 = word_at(s.words, q.start), qw1 = word_at(s.words, q.end);
    for (size_t mi = 0; mi < s.mentions.size(); ++mi) {
      const MentionRef& m = s.mentions[mi];
      if (m.start < q.start || m.end > q.end || static_cast<int>(m.entity) == at.entity) continue;
      const Entity& target = a.entities[m.entity];
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
      out.targets.push_back(QuoteTarget{name, st.polarity, st.score});
    }
    a.quotes.push_back(std::move(out));
  }
}

void StanceAnnotator::annotate(Article& a) const {
  thread_local Scratch s;
  thread_local std::vector<Probs> sums;
  thread_local std::vector<uint32_t> counts;
  a.quotes.clear();
  sums.assign(a.entities.size(), Probs{0, 0, 0});
  counts.assign(a.entities.size(), 0);
  impl_->field(a, Field::title, sums, counts, s);
  impl_->field(a, Field::body, sums, counts, s);
  a.quotes_done = impl_->opt.quotes;
  if (!impl_->opt.sentiment) return;
  for (size_t e = 0; e < a.entities.size(); ++e) {
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
  std::shared_ptr<const SentimentModel> model;
  try {
    model = std::make_shared<const SentimentModel>(SentimentModel::load(resource_path(model_path).string()));
  } catch (const std::exception& e) {
    throw ConfigError(section.path() + ".model: " + e.what());
  }
  return std::make_unique<StanceStage>(std::make_unique<StanceAnnotator>(std::move(model), o));
}

}  // namespace newsflow
