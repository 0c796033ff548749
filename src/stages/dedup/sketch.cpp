#include "stages/dedup/sketch.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace newsflow::dedup {
namespace {

// Multipliers and offsets of the MinHash family h_i(x) = a_i * x + b_i (mod 2^64), fixed so that
// signatures written to the state log stay comparable across builds.
struct Family {
  std::array<uint64_t, kMaxSignature> a{};
  std::array<uint64_t, kMaxSignature> b{};
  Family() {
    uint64_t s = 0x6e657773666c6f77ULL;  // "newsflow"
    for (int i = 0; i < kMaxSignature; ++i) {
      s += 0x9e3779b97f4a7c15ULL;
      a[static_cast<size_t>(i)] = mix64(s) | 1ULL;
      s += 0x9e3779b97f4a7c15ULL;
      b[static_cast<size_t>(i)] = mix64(s);
    }
  }
};

const Family& family() {
  static const Family f;
  return f;
}

}  // namespace

uint32_t SketchParams::id() const {
  // version 1 of the shingle/MinHash scheme in the low byte
  return 1u | (static_cast<uint32_t>(shingle_words) << 8) | (static_cast<uint32_t>(rows) << 16) |
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
  if (sh.empty()) return false;
  const Family& f = family();
  const int n = std::min(p.signature, kMaxSignature);
  std::array<uint64_t, kMaxSignature> mins;
  mins.fill(std::numeric_limits<uint64_t>::max());
  for (uint64_t x : sh) {
    for (int i = 0; i < n; ++i) {
      const uint64_t h = f.a[static_cast<size_t>(i)] * x + f.b[static_cast<size_t>(i)];
      mins[static_cast<size_t>(i)] = std::min(mins[static_cast<size_t>(i)], h);
    }
  }
  for (int i = 0; i < n; ++i) sig[static_cast<size_t>(i)] = static_cast<uint16_t>(mins[static_cast<size_t>(i)] >> 48);
  for (int i = n; i < kMaxSignature; ++i) sig[static_cast<size_t>(i)] = 0;
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
