// Features of one target in one sentence for the target-dependent sentiment model: every word
// with its side and distance bucket to the nearest target mention, clause and negation scope,
// quote membership, the target's own words and its immediate frame. Emitted as 64-bit hashes;
// the model folds them into its weight table.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stages/stance/lexicon.h"
#include "stages/stance/words.h"

namespace newsflow::stance {

// A mention as a token index range [first, last).
struct TokenRange {
  uint32_t first = 0;
  uint32_t last = 0;
};

// Bumped whenever the feature set changes: a model trained with another version is refused.
inline constexpr uint32_t kFeatureVersion = 2;

class FeatureExtractor {
 public:
  FeatureExtractor();
  // mentions must be non-empty, sorted, within tokens. Appends to out (not cleared).
  // lexicon may be null or empty (no lexicon features).
  void extract(std::span<const Word> tokens, std::span<const TokenRange> mentions, const Lexicon* lexicon,
               std::vector<uint64_t>& out) const;

 private:
  bool is_negator(uint64_t h) const;
  bool is_intensifier(uint64_t h) const;
  bool is_contrast(uint64_t h) const;

  std::vector<uint64_t> negators_, intensifiers_, contrast_;  // sorted hashes
};

}  // namespace newsflow::stance
