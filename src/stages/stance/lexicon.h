// Word polarity learnt from the training targets: per word, smoothed log-ratios of how often it
// occurs with each class against the class prior. Feeds dense, word-independent features (the
// same weight serves every strongly negative word) that the sparse word features lack.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stages/stance/words.h"

namespace newsflow::stance {

class Lexicon {
 public:
  struct Entry {
    uint64_t hash;
    float polarity;    // log P(w|pos)/P(w|neg), smoothed
    float neutrality;  // log P(w|neu)/P(w|not neu), smoothed
  };

  // Accumulate one training example: the distinct words of its sentence and its class.
  void add(std::span<const Word> toks, int label);
  // Turn the counts into entries (words seen at least min_count times).
  void finish(int min_count = 3, double alpha = 2.0);

  const Entry* find(uint64_t hash) const;
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  void set_entries(std::vector<Entry> e);  // sorted by hash on return

 private:
  struct Count {
    uint64_t hash;
    uint32_t n[3];
  };
  std::vector<Count> counts_;  // unsorted during accumulation
  std::vector<uint64_t> scratch_;
  uint64_t class_total_[3] = {0, 0, 0};
  std::vector<Entry> entries_;
};

}  // namespace newsflow::stance
