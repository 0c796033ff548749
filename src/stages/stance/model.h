// Hashed multinomial linear model over the sentiment features: three weights (negative, neutral,
// positive) per hash bucket. Stored compactly on disk: only non-zero buckets, weights as int16
// with one scale.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stages/stance/lexicon.h"

namespace newsflow::stance {

inline constexpr int kClasses = 3;  // index = Polarity: negative, neutral, positive
using Probs = std::array<float, kClasses>;

class SentimentModel {
 public:
  explicit SentimentModel(uint32_t bits = 20);

  uint32_t bits() const { return bits_; }
  size_t bucket(uint64_t feature) const { return static_cast<size_t>(feature >> (64 - bits_)); }
  float* row(uint64_t feature) { return &w_[bucket(feature) * kClasses]; }
  const float* row(uint64_t feature) const { return &w_[bucket(feature) * kClasses]; }
  std::vector<float>& weights() { return w_; }
  Lexicon& lexicon() { return lexicon_; }
  const Lexicon& lexicon() const { return lexicon_; }

  // Softmax probabilities for a feature list.
  Probs predict(std::span<const uint64_t> features) const;

  // Binary format "NFSENT" v1; throws std::runtime_error with a readable message.
  void save(const std::string& path) const;
  static SentimentModel load(const std::string& path);
  size_t nonzero() const;

 private:
  uint32_t bits_;
  std::vector<float> w_;
  Lexicon lexicon_;
};

}  // namespace newsflow::stance
