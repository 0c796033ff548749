#include "stages/stance/features.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

namespace newsflow::stance {
namespace {

inline uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
uint64_t drop_mask() {
  const char* e = std::getenv("STANCE_DROP");
  return e ? std::strtoull(e, nullptr, 10) : 0;
}
const uint64_t kDrop = drop_mask();
inline uint64_t feat(uint64_t tmpl, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  if (kDrop & (1ULL << tmpl)) return 0;
  return mix(mix(mix(tmpl * 0x9E3779B97F4A7C15ULL ^ a) ^ b) + c);
}

enum Tmpl : uint64_t {
  kBias = 1, kBow, kPos, kClauseWord, kNeg, kBigram, kTargetWord, kTargetStart, kTargetPoss, kTargetInQuote,
  kQuoteWord, kMentionCount, kFrame, kIntens, kLenBucket, kNearNeg, kShape, kNearBigram, kLexWord, kLexClause, kLexNeu, kLexSum,
};

std::vector<uint64_t> hashes(std::initializer_list<std::string_view> words) {
  std::vector<uint64_t> v;
  for (auto w : words) v.push_back(word_hash(w));
  std::sort(v.begin(), v.end());
  return v;
}

uint32_t bucket(uint32_t d) {
  if (d <= 3) return d;
  if (d <= 5) return 4;
  if (d <= 8) return 5;
  if (d <= 12) return 6;
  return 7;
}

uint64_t polarity_bin(float p) {
  if (p <= -1.5f) return 0;
  if (p <= -0.7f) return 1;
  if (p <= -0.25f) return 2;
  if (p < 0.25f) return 3;
  if (p < 0.7f) return 4;
  if (p < 1.5f) return 5;
  return 6;
}

uint64_t sum_bin(float s) { return static_cast<uint64_t>(std::clamp(static_cast<int>(std::floor(s / 0.5f)), -8, 8) + 8); }

}  // namespace

FeatureExtractor::FeatureExtractor()
    : negators_(hashes({"not", "no", "never", "n't", "nobody", "nothing", "none", "neither", "nor", "without",
                        "hardly", "barely", "cannot", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't",
                        "weren't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "hasn't", "haven't",
                        "hadn't", "lack", "lacks", "lacked", "fail", "fails", "failed"})),
      intensifiers_(hashes({"very", "extremely", "highly", "so", "too", "really", "deeply", "most", "more", "less",
                            "incredibly", "utterly", "totally", "completely", "truly", "particularly", "especially",
                            "absolutely", "quite", "fairly", "rather", "increasingly"})),
      contrast_(hashes({"but", "although", "though", "while", "whereas", "however", "yet", "despite", "unlike"})) {}

bool FeatureExtractor::is_negator(uint64_t h) const { return std::binary_search(negators_.begin(), negators_.end(), h); }
bool FeatureExtractor::is_intensifier(uint64_t h) const {
  return std::binary_search(intensifiers_.begin(), intensifiers_.end(), h);
}
bool FeatureExtractor::is_contrast(uint64_t h) const { return std::binary_search(contrast_.begin(), contrast_.end(), h); }

void FeatureExtractor::extract(std::span<const Word> toks, std::span<const TokenRange> mentions,
                               const Lexicon* lex, std::vector<uint64_t>& out) const {
  if (lex && lex->empty()) lex = nullptr;
  const uint32_t n = static_cast<uint32_t>(toks.size());
  out.push_back(feat(kBias, 0));
  if (n == 0 || mentions.empty()) return;
  out.push_back(feat(kMentionCount, std::min<size_t>(mentions.size(), 3)));
  out.push_back(feat(kLenBucket, bucket(n / 4)));

  // Quote parity before each position: odd = inside a quotation.
  // Clause id per token: increases at clause marks and contrast words.
  // Negation scope: up to 4 words after a negator, inside the clause.
  constexpr uint32_t kStack = 256;
  uint8_t in_quote_buf[kStack], neg_buf[kStack], intens_buf[kStack];
  uint16_t clause_buf[kStack];
  std::vector<uint8_t> in_quote_v, neg_v, intens_v;
  std::vector<uint16_t> clause_v;
  uint8_t* in_quote = in_quote_buf;
  uint8_t* neg = neg_buf;
  uint8_t* intens = intens_buf;
  uint16_t* clause = clause_buf;
  if (n > kStack) {
    in_quote_v.resize(n), neg_v.resize(n), intens_v.resize(n), clause_v.resize(n);
    in_quote = in_quote_v.data(), neg = neg_v.data(), intens = intens_v.data(), clause = clause_v.data();
  }
  uint8_t q = 0;
  uint16_t cl = 0;
  int neg_left = 0;
  bool prev_intens = false;
  for (uint32_t i = 0; i < n; ++i) {
    const Word& t = toks[i];
    if (t.flags & kQuote) q ^= 1;
    if ((t.flags & (kClause | kSentEnd)) || is_contrast(t.hash)) {
      ++cl;
      neg_left = 0;
    }
    in_quote[i] = q;
    clause[i] = cl;
    neg[i] = neg_left > 0 && (t.flags & kWord);
    intens[i] = prev_intens && (t.flags & kWord);
    if (neg_left > 0 && (t.flags & kWord)) --neg_left;
    if (is_negator(t.hash)) neg_left = 4;
    prev_intens = is_intensifier(t.hash);
  }

  // Target words, frame and position.
  uint32_t first = mentions.front().first, last_end = mentions.front().last;
  for (const TokenRange& m : mentions) {
    for (uint32_t i = m.first; i < m.last && i < n; ++i) {
      if (toks[i].flags & kWord) out.push_back(feat(kTargetWord, toks[i].hash));
    }
    first = std::min(first, m.first);
    last_end = std::max(last_end, m.last);
  }
  const TokenRange& m0 = mentions.front();
  const uint64_t l1 = m0.first > 0 ? toks[m0.first - 1].hash : 0;
  const uint64_t r1 = m0.last < n ? toks[m0.last].hash : 0;
  const uint64_t r2 = m0.last + 1 < n ? toks[m0.last + 1].hash : 0;
  out.push_back(feat(kFrame, l1, r1));
  out.push_back(feat(kFrame, 1, r1, r2));
  if (m0.first == 0 || (m0.first == 1 && (toks[0].flags & kQuote))) out.push_back(feat(kTargetStart, 1));
  if (r1 == word_hash("'s")) out.push_back(feat(kTargetPoss, 1));
  if (m0.first < n) out.push_back(feat(kTargetInQuote, in_quote[m0.first]));

  // Context words.
  float sum_all = 0, sum_clause = 0, sum_near = 0, neu_clause = 0;
  size_t mi = 0;  // index of the first mention ending after i
  uint64_t prev_word = 0;
  for (uint32_t i = 0; i < n; ++i) {
    while (mi < mentions.size() && mentions[mi].last <= i) ++mi;
    if (mi < mentions.size() && i >= mentions[mi].first) {  // inside a mention
      prev_word = 0xFFFF;
      continue;
    }
    const Word& t = toks[i];
    // Nearest mention: the previous one (mi-1) or the next one (mi).
    uint32_t d = UINT32_MAX;
    int side = 0;  // 0 = word left of the target, 1 = right
    uint16_t tcl = 0;
    if (mi < mentions.size()) {
      d = mentions[mi].first - i;
      side = 0;
      tcl = clause[mentions[mi].first];
    }
    if (mi > 0 && i + 1 - mentions[mi - 1].last < d) {
      d = i + 1 - mentions[mi - 1].last;
      side = 1;
      tcl = clause[mentions[mi - 1].last - 1];
    }
    const uint64_t w = t.hash;
    const uint32_t b = bucket(d);
    out.push_back(feat(kBow, w));
    out.push_back(feat(kPos, w, side, b));
    if (clause[i] == tcl) out.push_back(feat(kClauseWord, w, side));
    if (neg[i]) {
      out.push_back(feat(kNeg, w));
      if (d <= 5) out.push_back(feat(kNearNeg, w, side));
    }
    if (intens[i]) out.push_back(feat(kIntens, w));
    if (in_quote[i]) out.push_back(feat(kQuoteWord, w));
    if (lex) {
      if (const Lexicon::Entry* e = lex->find(w)) {
        const float p = neg[i] ? -0.5f * e->polarity : e->polarity;
        const uint64_t pb = polarity_bin(p);
        const bool same = clause[i] == tcl;
        out.push_back(feat(kLexWord, pb, side, b));
        out.push_back(feat(kLexClause, pb, same));
        out.push_back(feat(kLexNeu, polarity_bin(e->neutrality), same));
        sum_all += p;
        if (same) sum_clause += p, neu_clause += e->neutrality;
        if (d <= 3) sum_near += p;
      }
    }
    if (prev_word) {
      out.push_back(feat(kBigram, prev_word, w));
      if (d <= 4) out.push_back(feat(kNearBigram, prev_word, w, side));
    }
    prev_word = w;
  }
  if (lex) {
    out.push_back(feat(kLexSum, 0, sum_bin(sum_all)));
    out.push_back(feat(kLexSum, 1, sum_bin(sum_clause)));
    out.push_back(feat(kLexSum, 2, sum_bin(sum_near)));
    out.push_back(feat(kLexSum, 3, sum_bin(neu_clause)));
  }
}

}  // namespace newsflow::stance
