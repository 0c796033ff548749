// Entity-level scoring as conlleval computes it: chunks from IOB1 or IOB2 tags, exact span and
// type match, micro-averaged precision/recall/F1 plus a per-type table.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "stages/entities/ner_model.h"

namespace newsflow::entities {

struct Chunk {
  uint32_t first, last;  // token range, last exclusive
  int type;
};

// Chunks of one sentence's labels (conlleval start/end-of-chunk rules).
void chunks(std::span<const uint8_t> tags, uint32_t offset, std::vector<Chunk>& out);

struct NerScores {
  std::array<size_t, kTypes> gold{}, pred{}, correct{};
  size_t tokens = 0;
  void add(const std::vector<Sentence>& sentences, std::span<const uint8_t> gold_tags, std::span<const uint8_t> pred_tags);
  double precision(int type = -1) const;
  double recall(int type = -1) const;
  double f1(int type = -1) const;
  std::string table() const;  // readable per-type report
};

}  // namespace newsflow::entities
