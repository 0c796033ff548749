#include <gtest/gtest.h>

#include <random>

#include "stages/dedup/sketch.h"

using namespace newsflow::dedup;

namespace {
std::vector<uint64_t> random_words(std::mt19937_64& rng, size_t n) {
  std::vector<uint64_t> w(n);
  for (auto& x : w) x = rng() % 5000;  // small vocabulary: words repeat, shingles mostly do not
  return w;
}
}  // namespace

TEST(Sketch, ShinglesAreOrderDependent) {
  std::vector<uint64_t> a{1, 2, 3, 4}, b{4, 3, 2, 1}, out_a, out_b;
  shingles(a, 3, out_a);
  shingles(b, 3, out_b);
  ASSERT_EQ(out_a.size(), 2u);
  EXPECT_NE(out_a, out_b);
  std::vector<uint64_t> shortw{7}, out;
  shingles(shortw, 3, out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(Sketch, MinHashEstimatesJaccard) {
  std::mt19937_64 rng(3);
  SketchParams p;
  p.signature = 32;
  // Average the estimate over many document pairs with a known overlap.
  double err = 0;
  for (int t = 0; t < 50; ++t) {
    std::vector<uint64_t> a = random_words(rng, 400), b = a, sa, sb;
    for (size_t i = 0; i < 100; ++i) b[i] = 100000 + rng() % 5000;  // rewrite a quarter
    shingles(a, 3, sa);
    shingles(b, 3, sb);
    Signature x, y;
    ASSERT_TRUE(minhash(sa, p, x));
    ASSERT_TRUE(minhash(sb, p, y));
    auto ca = sa, cb = sb;
    err += signature_similarity(x.data(), y.data(), 32) - jaccard(ca, cb);
  }
  EXPECT_LT(std::abs(err / 50), 0.05);
}

TEST(Sketch, IdenticalAndDisjointTexts) {
  std::mt19937_64 rng(5);
  SketchParams p;
  std::vector<uint64_t> a = random_words(rng, 200), b, sa, sb;
  for (uint64_t w : a) b.push_back(w + 1'000'000);
  shingles(a, 3, sa);
  shingles(b, 3, sb);
  Signature x, y, x2;
  minhash(sa, p, x);
  minhash(sa, p, x2);
  minhash(sb, p, y);
  EXPECT_EQ(signature_similarity(x.data(), x2.data(), p.signature), 1.0);
  EXPECT_LT(signature_similarity(x.data(), y.data(), p.signature), 0.2);
  EXPECT_EQ(band_key(x, 1, 2), band_key(x2, 1, 2));
  EXPECT_EQ(simhash(sa), simhash(sa));
  std::vector<uint64_t> none;
  EXPECT_FALSE(minhash(none, p, x));
}
