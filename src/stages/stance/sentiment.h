// Target-dependent sentiment: tokens of one sentence + the target's mentions → probabilities.
#pragma once

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "core/article.h"
#include "stages/stance/features.h"
#include "stages/stance/model.h"
#include "stages/stance/words.h"

namespace newsflow::stance {

using ByteRange = std::pair<uint32_t, uint32_t>;  // [start, end) bytes

// Word ranges covering byte ranges (tokens overlapping each range); empty ranges are skipped.
// Output sorted by position, overlapping mentions merged.
void to_token_ranges(std::span<const Word> toks, std::span<const ByteRange> mentions, std::vector<TokenRange>& out);

// Per-thread scratch buffers so scoring allocates nothing in steady state.
struct ScoreScratch {
  std::vector<TokenRange> ranges;
  std::vector<uint64_t> features;
};

class SentimentScorer {
 public:
  explicit SentimentScorer(std::shared_ptr<const SentimentModel> model) : model_(std::move(model)) {}
  Probs score(std::span<const Word> toks, std::span<const ByteRange> mentions, ScoreScratch& s) const;
  Probs score_ranges(std::span<const Word> toks, std::span<const TokenRange> ranges, ScoreScratch& s) const;
  const FeatureExtractor& extractor() const { return fx_; }

 private:
  std::shared_ptr<const SentimentModel> model_;
  FeatureExtractor fx_;
};

// Probabilities → polarity/score/confidence (score = P(pos) − P(neg)).
Sentiment to_sentiment(const Probs& p);

}  // namespace newsflow::stance
