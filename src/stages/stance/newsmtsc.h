// NewsMTSC reader (JSONL, code-point offsets converted to bytes) and the article-level dev split.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/stance/sentiment.h"

namespace newsflow::stance {

struct MtscTarget {
  uint32_t sentence = 0;
  std::vector<ByteRange> mentions;  // main mention first, then further_mentions if asked for
  int label = 1;                    // 0 negative, 1 neutral, 2 positive
};

struct MtscData {
  std::vector<std::string> sentences;
  std::vector<std::string> articles;  // article key per sentence
  std::vector<MtscTarget> targets;
};

// Throws std::runtime_error when the file is unreadable or a line is malformed.
MtscData load_newsmtsc(const std::string& path, bool further_mentions);

// "allsides_1018_408_1_Hillary Clinton_2_17" → "allsides_1018_408": drop mention, from, to and
// the sentence index.
std::string article_key(const std::string& primary_gid);

// Deterministic article-level holdout: percent of articles, chosen by a seeded hash of the key.
bool in_holdout(const std::string& article, uint64_t seed, int percent);

// Code-point offset → byte offset in a UTF-8 string (clamped to the end).
uint32_t cp_to_byte(const std::string& s, uint32_t cp);

}  // namespace newsflow::stance
