#include "stages/stance/trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace newsflow::stance {

namespace {

SentimentModel train_one(const std::vector<std::vector<uint64_t>>& x, const std::vector<int>& y, const TrainParams& p) {
  SentimentModel model(p.bits);
  std::vector<float>& w = model.weights();
  std::vector<float> g2(w.size(), 1e-6f);  // AdaGrad accumulators
  std::vector<double> avg(w.size(), 0.0);
  double class_w[kClasses] = {1, 1, 1};
  if (p.balanced && !y.empty()) {
    size_t cnt[kClasses] = {0, 0, 0};
    for (int c : y) ++cnt[c];
    for (int c = 0; c < kClasses; ++c) class_w[c] = cnt[c] ? static_cast<double>(y.size()) / (kClasses * cnt[c]) : 1.0;
  }
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(p.seed);
  int averaged = 0;
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    // Fisher–Yates with our own RNG draw so the order is the same on every standard library.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    for (size_t idx : order) {
      const auto& f = x[idx];
      Probs pr = model.predict(f);
      const double cw = class_w[y[idx]];
      for (uint64_t feat : f) {
        const size_t b = model.bucket(feat) * kClasses;
        for (int c = 0; c < kClasses; ++c) {
          const double grad = cw * (pr[c] - (c == y[idx] ? 1.0 : 0.0)) + p.l2 * w[b + c];
          g2[b + c] += static_cast<float>(grad * grad);
          w[b + c] -= static_cast<float>(p.lr * grad / std::sqrt(g2[b + c]));
        }
      }
    }
    if (epoch >= p.epochs / 2) {
      for (size_t i = 0; i < w.size(); ++i) avg[i] += w[i];
      ++averaged;
    }
  }
  if (averaged > 0) {
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(avg[i] / averaged);
  }
  return model;
}

}  // namespace

SentimentModel train_model(const std::vector<std::vector<uint64_t>>& x, const std::vector<int>& y, const TrainParams& p) {
  if (p.bags <= 1) return train_one(x, y, p);
  SentimentModel sum(p.bits);
  for (int b = 0; b < p.bags; ++b) {
    TrainParams q = p;
    q.seed = p.seed + 7919 * static_cast<uint64_t>(b);
    const SentimentModel m = train_one(x, y, q);
    auto& w = sum.weights();
    const auto& v = const_cast<SentimentModel&>(m).weights();
    for (size_t i = 0; i < w.size(); ++i) w[i] += v[i] / static_cast<float>(p.bags);
  }
  return sum;
}

ClassMetrics score_predictions(const std::vector<int>& gold, const std::vector<int>& pred) {
  ClassMetrics m;
  size_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    ++m.confusion[gold[i]][pred[i]];
    correct += gold[i] == pred[i];
  }
  m.accuracy = gold.empty() ? 0 : static_cast<double>(correct) / gold.size();
  for (int c = 0; c < kClasses; ++c) {
    double tp = m.confusion[c][c], fp = 0, fn = 0;
    for (int k = 0; k < kClasses; ++k) {
      if (k == c) continue;
      fp += m.confusion[k][c];
      fn += m.confusion[c][k];
    }
    m.f1[c] = tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
    m.f1_macro += m.f1[c] / kClasses;
  }
  return m;
}

}  // namespace newsflow::stance
