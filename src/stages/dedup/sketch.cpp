#include "stages/dedup/sketch.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace newsflow::dedup {
uint32_t SketchParams::id() const {
  // Scheme version in the low byte: 2 one-permutation MinHash, 3 the same over the cheaper word
  // hashes of text_norm.cpp (different values: version 2 signatures are not comparable).
  return 3u | (static_cast<uint32_t>(shingle_words) << 8) | (static_cast<uint32_t>(rows) << 16) |
         (static_cast<uint32_t>(signature) << 24);
}

void shingles(std::span<const uint64_t> words, int k, std::vector<uint64_t>& out) {
  out.clear();
  if (words.empty()) return;
  const size_t kk = static_cast<size_t>(std::max(1, k));
  if (words.size() < kk) {
    uint64_t h = 0;
    for (uint64_t w : words) h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    out.push_back(mix64(h));
    return;
  }
  out.reserve(words.size() - kk + 1);
  for (size_t i = 0; i + kk <= words.size(); ++i) {
    uint64_t h = 0;
    for (size_t j = 0; j < kk; ++j) h = std::rotl(h, 21) ^ (words[i + j] * 0x9e3779b97f4a7c15ULL);
    out.push_back(mix64(h));
  }
}

bool minhash(std::span<const uint64_t> sh, const SketchParams& p, Signature& sig) {
  // One-permutation MinHash: each shingle hash picks a bin from its high bits and competes for
  // that bin's minimum with its low 48 bits. One pass instead of one per hash function.
  if (sh.empty()) return false;
  const auto n = static_cast<uint64_t>(std::min(p.signature, kMaxSignature));
  constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();
  std::array<uint64_t, kMaxSignature> mins;
  mins.fill(kEmpty);
  for (uint64_t x : sh) {
    const auto bin = static_cast<size_t>((static_cast<unsigned __int128>(x) * n) >> 64);
    const uint64_t v = x & 0xFFFFFFFFFFFFULL;
    mins[bin] = std::min(mins[bin], v);
  }
  // Densification for short texts: an empty bin borrows the next non-empty bin's value (circular),
  // shifted by the distance so borrowed values do not look alike.
  for (size_t i = 0; i < n; ++i) {
    uint64_t v = mins[i];
    for (size_t d = 1; v == kEmpty && d < n; ++d) {
      const uint64_t w = mins[(i + d) % n];
      if (w != kEmpty) v = (w + d * 0x9E3779B97F4AULL) & 0xFFFFFFFFFFFFULL;
    }
    sig[i] = static_cast<uint16_t>(v >> 32);
  }
  for (size_t i = n; i < kMaxSignature; ++i) sig[i] = 0;
  return true;
}

uint32_t band_key(const uint16_t* sig, int band, int rows) {
  if (rows == 2) {
    return (static_cast<uint32_t>(sig[band * 2]) << 16) | sig[band * 2 + 1];
  }
  uint64_t h = static_cast<uint64_t>(band);
  for (int r = 0; r < rows; ++r) h = (h << 16 | sig[band * rows + r]) * 0x9e3779b97f4a7c15ULL;
  return static_cast<uint32_t>(mix64(h) >> 32);
}

uint32_t band_key(const Signature& sig, int band, int rows) { return band_key(sig.data(), band, rows); }

double signature_similarity(const uint16_t* a, const uint16_t* b, int n) {
  if (n <= 0) return 0.0;
  int eq = 0;
  for (int i = 0; i < n; ++i) eq += a[i] == b[i];
  return static_cast<double>(eq) / n;
}

uint64_t simhash(std::span<const uint64_t> sh) {
  std::array<int32_t, 64> v{};
  for (uint64_t x : sh) {
    const uint64_t h = mix64(x ^ 0x5851f42d4c957f2dULL);
    for (int i = 0; i < 64; ++i) v[static_cast<size_t>(i)] += ((h >> i) & 1) ? 1 : -1;
  }
  uint64_t out = 0;
  for (int i = 0; i < 64; ++i) {
    if (v[static_cast<size_t>(i)] > 0) out |= 1ULL << i;
  }
  return out;
}

double jaccard(std::vector<uint64_t>& a, std::vector<uint64_t>& b) {
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  if (a.empty() && b.empty()) return 1.0;
  size_t i = 0, j = 0, inter = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) { ++inter; ++i; ++j; }
    else if (a[i] < b[j]) ++i;
    else ++j;
  }
  return static_cast<double>(inter) / static_cast<double>(a.size() + b.size() - inter);
}

}  // namespace newsflow::dedup
