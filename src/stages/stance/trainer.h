// Training of the sentiment model: multinomial logistic regression, AdaGrad, L2 on touched
// weights, averaging of the late-epoch weights. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <vector>

#include "stages/stance/model.h"

namespace newsflow::stance {

struct TrainParams {
  uint32_t bits = 20;
  int epochs = 15;
  double lr = 0.2;
  double l2 = 1e-5;
  uint64_t seed = 20240601;
  bool balanced = true;  // weight classes inversely to their frequency (macro-F1 is the target)
  int bags = 1;          // models trained on different shuffles, weights averaged (still one linear model)
};

SentimentModel train_model(const std::vector<std::vector<uint64_t>>& x, const std::vector<int>& y, const TrainParams& p);

struct ClassMetrics {
  double f1_macro = 0, accuracy = 0;
  double f1[kClasses] = {0, 0, 0};
  int confusion[kClasses][kClasses] = {};  // [gold][pred]
};
ClassMetrics score_predictions(const std::vector<int>& gold, const std::vector<int>& pred);

}  // namespace newsflow::stance
