#include "stages/stance/sentiment.h"

#include <algorithm>

namespace newsflow::stance {

void to_token_ranges(std::span<const Word> toks, std::span<const ByteRange> mentions, std::vector<TokenRange>& out) {
  out.clear();
  for (const ByteRange& m : mentions) {
    if (m.second <= m.first) continue;
    // First token ending after the mention start.
    auto it = std::partition_point(toks.begin(), toks.end(), [&](const Word& t) { return t.end <= m.first; });
    uint32_t first = static_cast<uint32_t>(it - toks.begin());
    uint32_t last = first;
    while (last < toks.size() && toks[last].start < m.second) ++last;
    if (last > first) out.push_back({first, last});
  }
  std::sort(out.begin(), out.end(), [](const TokenRange& a, const TokenRange& b) { return a.first < b.first; });
  size_t w = 0;
  for (size_t r = 0; r < out.size(); ++r) {
    if (w > 0 && out[r].first < out[w - 1].last) {
      out[w - 1].last = std::max(out[w - 1].last, out[r].last);
    } else {
      out[w++] = out[r];
    }
  }
  out.resize(w);
}

Probs SentimentScorer::score(std::span<const Word> toks, std::span<const ByteRange> mentions, ScoreScratch& s) const {
  to_token_ranges(toks, mentions, s.ranges);
  return score_ranges(toks, s.ranges, s);
}

Probs SentimentScorer::score_ranges(std::span<const Word> toks, std::span<const TokenRange> ranges,
                                    ScoreScratch& s) const {
  s.features.clear();
  fx_.extract(toks, ranges, &model_->lexicon(), s.features);
  return model_->predict(s.features);
}

Sentiment to_sentiment(const Probs& p) {
  Sentiment s;
  int best = 0;
  for (int c = 1; c < kClasses; ++c)
    if (p[c] > p[best]) best = c;
  s.polarity = static_cast<Polarity>(best);
  s.score = std::clamp(static_cast<double>(p[2]) - static_cast<double>(p[0]), -1.0, 1.0);
  s.confidence = p[best];
  return s;
}

}  // namespace newsflow::stance
