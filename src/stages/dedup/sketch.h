// Similarity sketches over word shingles: MinHash (used by the index) and SimHash (kept for the
// measurement that chose MinHash; see README.md).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace newsflow::dedup {

constexpr int kMaxSignature = 32;

struct SketchParams {
  int shingle_words = 3;  // words per shingle
  int bands = 5;          // LSH bands (one hash table each)
  int rows = 2;           // 16-bit MinHash values per band (band key = rows * 16 bits, folded to 32)
  int signature = 10;     // 16-bit MinHash values stored per article (>= bands * rows)

  // Identifies the hashing so records written with other parameters are not mixed in.
  uint32_t id() const;
};

using Signature = std::array<uint16_t, kMaxSignature>;

// Order-dependent shingle hashes of k consecutive word hashes (one shingle of all words if fewer).
void shingles(std::span<const uint64_t> words, int k, std::vector<uint64_t>& out);

// One-permutation MinHash with p.signature bins of 16 bits (densified when bins are empty).
// Returns false (and leaves sig unspecified) when there are no shingles.
bool minhash(std::span<const uint64_t> shingle_hashes, const SketchParams& p, Signature& sig);

// Band key b (32 bits) from the signature values [b*rows, (b+1)*rows).
uint32_t band_key(const Signature& sig, int band, int rows);
uint32_t band_key(const uint16_t* sig, int band, int rows);

// Fraction of equal signature positions: an estimate of the Jaccard similarity of the shingle sets.
double signature_similarity(const uint16_t* a, const uint16_t* b, int n);

// 64-bit SimHash (unweighted shingles).
uint64_t simhash(std::span<const uint64_t> shingle_hashes);

// Exact Jaccard similarity of two shingle sets (sorted and deduplicated in place).
double jaccard(std::vector<uint64_t>& a, std::vector<uint64_t>& b);

// 64-bit finaliser (murmur3 fmix64).
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace newsflow::dedup
