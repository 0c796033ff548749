#include "stages/stance/lexicon.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace newsflow::stance {

void Lexicon::add(std::span<const Word> toks, int label) {
  scratch_.clear();
  for (const Word& t : toks)
    if (t.flags & kWord) scratch_.push_back(t.hash);
  std::sort(scratch_.begin(), scratch_.end());
  scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
  for (uint64_t h : scratch_) {
    Count c{h, {0, 0, 0}};
    c.n[label] = 1;
    counts_.push_back(c);
  }
  ++class_total_[label];
}

void Lexicon::finish(int min_count, double alpha) {
  std::sort(counts_.begin(), counts_.end(), [](const Count& a, const Count& b) { return a.hash < b.hash; });
  const double total = static_cast<double>(class_total_[0] + class_total_[1] + class_total_[2]);
  if (total == 0) return;
  double prior[3];
  for (int c = 0; c < 3; ++c) prior[c] = (class_total_[c] + 1.0) / (total + 3.0);
  entries_.clear();
  for (size_t i = 0; i < counts_.size();) {
    uint32_t n[3] = {0, 0, 0};
    const uint64_t h = counts_[i].hash;
    for (; i < counts_.size() && counts_[i].hash == h; ++i)
      for (int c = 0; c < 3; ++c) n[c] += counts_[i].n[c];
    const double sum = n[0] + n[1] + n[2];
    if (sum < min_count) continue;
    // Smoothed P(class | word) pulled towards the prior, divided by the prior.
    double p[3];
    for (int c = 0; c < 3; ++c) p[c] = (n[c] + alpha * prior[c]) / (sum + alpha);
    Entry e;
    e.hash = h;
    e.polarity = static_cast<float>(std::log(p[2] / prior[2]) - std::log(p[0] / prior[0]));
    e.neutrality = static_cast<float>(std::log(p[1] / prior[1]) - std::log((1 - p[1]) / (1 - prior[1])));
    entries_.push_back(e);
  }
  counts_.clear();
  counts_.shrink_to_fit();
}

const Lexicon::Entry* Lexicon::find(uint64_t hash) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), hash,
                             [](const Entry& e, uint64_t h) { return e.hash < h; });
  return it != entries_.end() && it->hash == hash ? &*it : nullptr;
}

void Lexicon::set_entries(std::vector<Entry> e) {
  entries_ = std::move(e);
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
}

}  // namespace newsflow::stance
