#include "stages/entities/ner_eval.h"

#include <fmt/format.h>

#include <algorithm>

namespace newsflow::entities {

void chunks(std::span<const uint8_t> tags, uint32_t offset, std::vector<Chunk>& out) {
  int open_type = -1;
  uint32_t open_first = 0;
  int prev = 0;
  for (uint32_t i = 0; i <= tags.size(); ++i) {
    const int cur = i < tags.size() ? tags[i] : 0;
    const int pt = label_type(prev), ct = label_type(cur);
    // End of chunk: leaving a chunk, changing type, or a B- right after a chunk.
    const bool end = prev != 0 && (cur == 0 || pt != ct || label_begin(cur));
    // Start of chunk: B-, or I- after O / another type.
    const bool start = cur != 0 && (label_begin(cur) || prev == 0 || pt != ct);
    if (end && open_type >= 0) {
      out.push_back(Chunk{offset + open_first, offset + i, open_type});
      open_type = -1;
    }
    if (start) {
      open_type = ct;
      open_first = i;
    }
    prev = cur;
  }
}

void NerScores::add(const std::vector<Sentence>& sentences, std::span<const uint8_t> g, std::span<const uint8_t> p) {
  std::vector<Chunk> gc, pc;
  for (const Sentence& s : sentences) {
    gc.clear();
    pc.clear();
    chunks(g.subspan(s.first, s.last - s.first), s.first, gc);
    chunks(p.subspan(s.first, s.last - s.first), s.first, pc);
    for (const auto& c : gc) ++gold[c.type];
    for (const auto& c : pc) ++pred[c.type];
    for (const auto& c : pc) {
      const bool hit = std::any_of(gc.begin(), gc.end(), [&](const Chunk& x) {
        return x.first == c.first && x.last == c.last && x.type == c.type;
      });
      if (hit) ++correct[c.type];
    }
    tokens += s.last - s.first;
  }
}

namespace {
size_t sum(const std::array<size_t, kTypes>& a, int type) {
  if (type >= 0) return a[type];
  size_t s = 0;
  for (auto v : a) s += v;
  return s;
}
}  // namespace

double NerScores::precision(int t) const {
  const size_t p = sum(pred, t);
  return p ? static_cast<double>(sum(correct, t)) / p : 0.0;
}
double NerScores::recall(int t) const {
  const size_t g = sum(gold, t);
  return g ? static_cast<double>(sum(correct, t)) / g : 0.0;
}
double NerScores::f1(int t) const {
  const double p = precision(t), r = recall(t);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::string NerScores::table() const {
  std::string s = fmt::format("{:<6} {:>7} {:>7} {:>7} {:>9} {:>9} {:>7}\n", "type", "gold", "pred", "correct",
                              "precision", "recall", "F1");
  for (int t = -1; t < kTypes; ++t) {
    if (t >= 0 && gold[t] == 0 && pred[t] == 0) continue;
    s += fmt::format("{:<6} {:>7} {:>7} {:>7} {:>9.4f} {:>9.4f} {:>7.4f}\n", t < 0 ? "all" : kTypeNames[t],
                     sum(gold, t), sum(pred, t), sum(correct, t), precision(t), recall(t), f1(t));
  }
  return s;
}

}  // namespace newsflow::entities
